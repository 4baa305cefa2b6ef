/**
 * Supervision of host processes, shared by the exec drivers.
 *
 * <p>A task is started by {@link dev.taskdrivers.exec.internal.process.SupervisedLauncher} under a small POSIX shell
 * supervisor detached from the JVM (the shell the JVM runs forks it and exits at once); the task leads its own
 * session and process group. The supervisor reports the task's pid on a pipe and, when the task ends, records its
 * exit status in a file written atomically, so a task outlives the JVM and a later JVM learns its real exit status.
 * Processes are identified by pid and start time ({@link dev.taskdrivers.hostprocess.ProcessIdentity}), so a
 * recycled pid is never taken for the task.
 *
 * <p>raw_exec starts plain tasks through {@link dev.taskdrivers.exec.internal.process.ForkServerLauncher} instead: one
 * long-lived Perl fork server per driver ({@code forkserver.pl}) forks each task, which takes its own session and the
 * default signal actions and executes its argv (taken from a length-prefixed, NUL-separated request, never through a
 * shell). The pid is reported right after the fork; a bad working directory or program path is refused before it,
 * and a set-up step failing after it ends the task with the reason as its exit status. The server reaps its tasks,
 * kills each task's process group once its leader ended and writes the precise outcome ({@code exited 150},
 * {@code signaled 10}). Without
 * requests (its driver closed, its JVM gone) it keeps supervising and exits after its last task. A later JVM starts
 * its own server and finds the old tasks by their exit files and pid + start time, as with the shell supervisor.
 * The server is a child subreaper (what a task leaves behind becomes its child and is reaped by it, not by init),
 * protects itself from the OOM killer where permitted ({@code oom_score_adj} -1000, its tasks set back to 0), and
 * numbers its replies by request, answering an isolated launch once its set-up is done while it goes on serving
 * others; {@link dev.taskdrivers.exec.internal.process.ForkServer} lets several threads wait for their replies at
 * once.
 *
 * <p>One {@link dev.taskdrivers.exec.internal.process.ProcessPoller} per driver watches all tasks: exits from file events on
 * the exit files' directories (one thread blocked on inotify), supervisor liveness and log rotation on one thread, a
 * bounded slice of tasks a second, so idle tasks cost next to nothing;
 * {@link dev.taskdrivers.exec.internal.process.SupervisedProcess} adds signals, stop-then-kill of the whole group and
 * descendants, and stats.
 *
 * <p>Isolating drivers reuse it unchanged: {@link dev.taskdrivers.exec.internal.process.LaunchSpec#withPrefix} puts a wrapper
 * (for example {@code unshare ... chroot <root>}) in front of the task's argv,
 * {@link dev.taskdrivers.exec.internal.process.LaunchSpec#joiningCgroups} moves the task into cgroups before it runs, and
 * {@link dev.taskdrivers.exec.internal.process.LaunchSpec#reportingReady} makes start wait for the wrapper's set-up;
 * {@link dev.taskdrivers.hostprocess.CommandRunner} runs exec commands with the same kind of prefix.
 *
 * <p>Limits: a shell reports death by signal N as status 128+N, so a task under the shell supervisor exiting with
 * 129-192 is reported as killed by a signal (the fork server has no such limit). A task whose supervisor is killed is reported as failed with an unknown status. Logs are rotated only
 * while a JVM watches the task. On hosts whose {@code env} lacks {@code --default-signal} (coreutils before 8.31) tasks
 * under the shell supervisor ignore SIGINT and SIGQUIT, as every background job of a shell does, and whatever the JVM
 * ignored when it started (SIGHUP under {@code nohup}); elsewhere every task starts with every signal's default
 * action.
 */
package dev.taskdrivers.exec.internal.process;
