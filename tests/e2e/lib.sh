# shellcheck shell=bash
# Helpers for the end-to-end checks: boot a guest, look at what it printed.
# Each check prints "ok NAME", "FAIL NAME: why" or "skip NAME: why"; the
# caller ends with e2e_summary, which prints the closing line.

E2E_PASSED=0
E2E_FAILED=0
E2E_SKIPPED=0
E2E_SECOND_RUNS=()
E2E_LOGS=${E2E_LOGS:-build/e2e}
mkdir -p "$E2E_LOGS"

pass() { echo "ok   $1"; E2E_PASSED=$((E2E_PASSED + 1)); }
fail() {
	echo "FAIL $1: $2"
	E2E_FAILED=$((E2E_FAILED + 1))
	# The first failure of a boot shows how its log ends: in CI that
	# is all there is to go on.
	if [ -n "${BOOT_LOG:-}" ] && [ "${E2E_SHOWN:-}" != "$BOOT_LOG" ]; then
		E2E_SHOWN=$BOOT_LOG
		show_tail "$BOOT_LOG"
	fi
}

# show_tail LOG: its last lines, indented under the check.
show_tail() {
	[ -s "$1" ] || return 0
	echo "     last lines of $1:"
	tail -n 12 "$1" | sed 's/^/     | /'
}
skip() { echo "skip $1: $2"; E2E_SKIPPED=$((E2E_SKIPPED + 1)); }

# check NAME CONDITION-COMMAND... : pass if the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then
		pass "$name"
	else
		fail "$name" "$*"
	fi
}

# has LOG REGEX: the log has a line matching REGEX (extended).
has() { grep -Eq -- "$2" "$1"; }
hasnt() { ! grep -Eq -- "$2" "$1"; }

# count LOG REGEX: how many lines match.
count() { grep -Ec -- "$2" "$1" || true; }

# boot_said NAME START: one line on how boot NAME ended (BOOT_STATUS, in
# BOOT_LOG) and how long it took from START ($SECONDS).
boot_said() {
	echo "     ($1: exit $BOOT_STATUS after $((SECONDS - $2)) s, $(wc -l <"$BOOT_LOG") lines in $BOOT_LOG)"
}

# boot NAME [lguest args...]: run lguest with stdin from /dev/null, all
# output (stdout and stderr, \r removed) in $E2E_LOGS/NAME.log and its exit
# status in BOOT_STATUS.  Bounded: a hung guest fails, never hangs us.
boot_once() {
	local name=$1 t0=$SECONDS
	shift
	local log=$E2E_LOGS/$name.log
	timeout --kill-after=5 "${E2E_TIMEOUT:-180}" build/lguest "$@" \
		</dev/null 2>&1 | tr -d '\r' >"$log"
	BOOT_STATUS=${PIPESTATUS[0]}
	BOOT_LOG=$log
	boot_said "$name" "$t0"
}

# boot_interactive NAME WAIT-REGEX INPUT [lguest args...]: like boot, but
# once a line matching WAIT-REGEX appears, write INPUT (printf %b escapes)
# to the guest's console.  tr must not buffer (stdbuf -o0), or the line we
# wait for reaches the log only when lguest exits.
boot_interactive_once() {
	local name=$1 wait=$2 input=$3 t0=$SECONDS
	shift 3
	local log=$E2E_LOGS/$name.log fifo
	fifo=$(mktemp -u "${TMPDIR:-/tmp}/lguest-e2e.XXXXXX")
	mkfifo "$fifo"
	: >"$log"
	# lguest's status goes through a file: $! is tr's.
	{
		timeout --kill-after=5 "${E2E_TIMEOUT:-180}" build/lguest "$@" \
			<"$fifo" 2>&1
		echo $? >"$log.status"
	} | stdbuf -o0 tr -d '\r' >"$log" &
	local pid=$!
	exec 9>"$fifo"
	local i
	for ((i = 0; i < ${E2E_TIMEOUT:-180} * 10; i++)); do
		grep -Eq -- "$wait" "$log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	# In a subshell: if lguest is gone, SIGPIPE ends only that.
	(printf '%b' "$input" >&9) 2>/dev/null
	wait "$pid"
	BOOT_STATUS=$(cat "$log.status" 2>/dev/null || echo missing)
	exec 9>&-
	rm -f "$fifo"
	BOOT_LOG=$log
	boot_said "$name" "$t0"
}

# user_error NAME EXPECT-REGEX lguest-args...: a user mistake gets exit
# status 1 and exactly one line, "lguest: <sentence>", matching EXPECT.
user_error() {
	local name=$1 expect=$2
	shift 2
	local out status
	out=$(timeout 30 build/lguest "$@" </dev/null 2>&1)
	status=$?
	if [ "$status" -ne 1 ]; then
		fail "$name" "exit status $status, not 1: $out"
	elif [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
		fail "$name" "more than one line: $out"
	elif ! printf '%s\n' "$out" | grep -Eq "^lguest: .*$expect"; then
		fail "$name" "unexpected message: $out"
	else
		pass "$name"
	fi
}

# second_run WHAT: say that WHAT (a boot, a test host) failed in a way
# the emulator may be to blame for and runs once more, and note it for
# the summary.
second_run() {
	echo "e2e: running once more: $1"
	E2E_SECOND_RUNS+=("$1")
}

# e2e_summary: the second runs in one line, then the closing line.
e2e_summary() {
	local n=${#E2E_SECOND_RUNS[@]} all
	all=$(printf '; %s' "${E2E_SECOND_RUNS[@]}")
	if [ "$n" -eq 0 ]; then
		echo "e2e: second runs: 0"
	else
		echo "e2e: second runs: $n (${all#; })"
	fi
	echo "$E2E_PASSED passed, $E2E_FAILED failed, $E2E_SKIPPED skipped"
	[ "$E2E_FAILED" -eq 0 ]
}

# boot_watch NAME REGEX FUNCTION [lguest args...]: like boot, but each time
# a new line matching REGEX appears, call FUNCTION PID N (lguest's pid, and
# how many such lines so far) while the guest runs on.
boot_watch_once() {
	local name=$1 regex=$2 fn=$3 t0=$SECONDS
	shift 3
	local log=$E2E_LOGS/$name.log seen=0 n pid
	: >"$log"
	{
		timeout --kill-after=5 "${E2E_TIMEOUT:-180}" build/lguest "$@" \
			</dev/null 2>&1
		echo $? >"$log.status"
	} | stdbuf -o0 tr -d '\r' >"$log" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		n=$(count "$log" "$regex")
		if [ "$n" -gt "$seen" ]; then
			seen=$n
			"$fn" "$(pgrep -n -x lguest)" "$seen"
		fi
		sleep 0.1
	done
	wait "$pid"
	BOOT_STATUS=$(cat "$log.status" 2>/dev/null || echo missing)
	BOOT_LOG=$log
	boot_said "$name" "$t0"
}

# retried BOOT-FUNCTION NAME ARGS...: run a boot; if it timed out (124) or
# the guest crashed (3) inside the test host, show how, and run it once
# more.  Under QEMU's emulator the nested KVM has, rarely, stalled or
# faulted a guest that runs fine on hardware; a second failure in a row
# is ours, and fails.  On real hardware nothing is retried.
retried() {
	local name=$2 why
	"$@"
	case $BOOT_STATUS in
	3) why="the guest crashed" ;;
	124) why="timed out" ;;
	*) return 0 ;;
	esac
	show_tail "$BOOT_LOG"
	[ -n "${LGUEST_IN_TESTHOST:-}" ] || return 0
	second_run "boot $name: exit $BOOT_STATUS, $why"
	mv "$BOOT_LOG" "$BOOT_LOG.first"
	"$@"
}

boot() { retried boot_once "$@"; }
boot_interactive() { retried boot_interactive_once "$@"; }
boot_watch() { retried boot_watch_once "$@"; }
