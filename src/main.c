// SPDX-License-Identifier: GPL-2.0
/*L:100
 * lguest: a small hypervisor launcher.  Welcome!
 *
 * You are reading a Launcher in the tradition of Rusty Russell's lguest: a
 * userspace program that puts a Linux kernel into memory, asks the Host to
 * run it, and gives it a few devices.  In 2007 the Host was a kernel module
 * behind /dev/lguest; here it is KVM, which every Linux has, and the rest
 * of the story is the same.  "make tour" prints these numbered stops in
 * order: read them and you know how a hypervisor works.
 *
 * main() is short: argv becomes one struct launch, and the Launcher takes
 * it from there.  Mistakes on the command line get one sentence and exit
 * status 1. :*/
#include <stdio.h>
#include <stdlib.h>

#include "launch.h"
#include "launcher.h"
#include "log.h"

#define LGUEST_VERSION "0.1.0"

int main(int argc, char *argv[])
{
	static struct launch cfg;
	char err[256];

	log_init();
	switch (launch_parse(&cfg, argc, argv, err, sizeof(err))) {
	case LAUNCH_HELP:
		launch_usage(stdout);
		return 0;
	case LAUNCH_VERSION:
		printf("lguest %s\n", LGUEST_VERSION);
		return 0;
	case LAUNCH_ERROR:
		die("%s", err);
	case LAUNCH_RUN:
		break;
	}
	log_verbose = cfg.verbose;
	return launcher_run(&cfg);
}
