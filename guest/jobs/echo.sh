#!/bin/sh
# echo: read one line from the console and say it back (console input).
echo "echo: waiting"
IFS= read -r line || true
echo "echo: got $line"
