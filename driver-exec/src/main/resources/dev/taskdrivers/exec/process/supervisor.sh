#!/bin/sh
# Supervises one task so that it outlives the JVM that started it.
# Usage: supervisor.sh STATE_DIR EXIT_FILE STDOUT STDERR CWD SETSID MV -- ARGV...
# The task's argv arrives as "$@" and is never parsed by a shell. The task runs in its own session and
# process group (setsid), so a signal to the group reaches its children but not this supervisor.
# Written once the task runs:   STATE_DIR/pid  "<task pid> <supervisor pid>\n" in one write; readers wait for the
#                               newline (no rename here: it would cost a process on every start)
# Written once the task ended:  EXIT_FILE      "status=<wait status>" or "error=<why it did not start>", written to a
#                               temporary file and renamed, so readers never see half a file
# Variable names are prefixed because the task inherits this shell's environment.
__td_state=$1 __td_exit=$2 __td_out=$3 __td_err=$4 __td_cwd=$5 __td_setsid=$6 __td_mv=$7
shift 7
if [ "$1" = "--" ]; then shift; fi

__td_publish() {
    printf '%s\n' "$2" > "$1.tmp" && "$__td_mv" -f "$1.tmp" "$1"
}

if ! cd "$__td_cwd"; then
    __td_publish "$__td_exit" "error=cannot enter working directory $__td_cwd"
    exit 1
fi

"$__td_setsid" "$@" >>"$__td_out" 2>>"$__td_err" </dev/null &
__td_pid=$!
printf '%s %s\n' "$__td_pid" "$$" > "$__td_state/pid"
wait "$__td_pid"
__td_status=$?
# Children the task left behind in its group die with it.
kill -s KILL -- "-$__td_pid" 2>/dev/null
__td_publish "$__td_exit" "status=$__td_status"
