#!/bin/sh
# Supervises one task so that it outlives the JVM that started it.
# Usage: supervisor.sh EXIT_FILE STDOUT STDERR CWD SETSID MV READY ENV [CGROUP_PROCS...] -- ARGV...
# The task's argv arrives as "$@" and is never parsed by a shell.
#
# The JVM runs this shell with standard input and output on pipes. The shell forks the supervisor and exits as soon
# as the JVM closes its standard input, once it has read the report, so the JVM keeps no child process (and no
# reaper thread) per task. Reports on the output pipe, one line each, in any order:
#   supervisor <pid>   the supervisor, which waits for the task and records its exit status
#   task <pid>         the task, written right after the fork; it leads its own session and process group (setsid)
#   error <why>        nothing was started
# With READY=1 the task inherits the pipe as descriptor 3 and writes "ready" on it itself once it is set up.
# A shell starts background jobs with SIGINT and SIGQUIT ignored, cannot undo ("trap -") what was ignored when it
# started (SIGHUP when the JVM runs under nohup), and an ignored signal stays ignored across exec; with ENV (a GNU env
# that knows --default-signal, else empty) the task gets every signal's default action back.
# Before it executes ARGV the task moves itself into every CGROUP_PROCS file (writing 0 moves the writer), so the
# task and all its children start inside those cgroups; a write that fails ends the task with status 125.
# Written once the task ended: EXIT_FILE "status=<wait status>", to a temporary file renamed into place, so readers
# never see half a file.
# Variable names are prefixed because the task inherits this shell's environment.
__td_exit=$1 __td_out=$2 __td_err=$3 __td_cwd=$4 __td_setsid=$5 __td_mv=$6 __td_ready=$7 __td_env=$8
shift 8

if ! cd "$__td_cwd"; then
    echo "error cannot enter working directory $__td_cwd"
    exit 1
fi

(
    # The supervisor shares the JVM's process group: hangups and job-control or termination signals aimed at that
    # group must not end it, nor a JVM gone before it read the report (a shell already ignores SIGINT and SIGQUIT in
    # a background job). The task gets the default actions back.
    trap '' HUP TERM TSTP TTIN TTOU PIPE
    (
        trap - HUP TERM TSTP TTIN TTOU PIPE
        [ "$__td_ready" = 1 ] || exec 3>&-
        while [ "$1" != -- ]; do
            echo 0 > "$1" || { echo "cannot join cgroup $1" >&2; exit 125; }
            shift
        done
        shift
        if [ -n "$__td_env" ]; then
            exec "$__td_env" --default-signal "$__td_setsid" "$@"
        fi
        exec "$__td_setsid" "$@"
    ) 3>&1 >>"$__td_out" 2>>"$__td_err" </dev/null &
    __td_pid=$!
    echo "task $__td_pid"
    exec >/dev/null
    wait "$__td_pid"
    __td_status=$?
    # Children the task left behind in its group die with it.
    kill -s KILL -- "-$__td_pid" 2>/dev/null
    printf 'status=%s\n' "$__td_status" > "$__td_exit.tmp" && "$__td_mv" -f "$__td_exit.tmp" "$__td_exit"
) </dev/null &
echo "supervisor $!"
# Stay until the JVM has read the report: the JDK stops reading a child's output once that child has ended.
read -r __td_done || :
