/**
 * Supervision of host processes, shared by the exec drivers.
 *
 * <p>A task is started by {@link dev.taskdrivers.exec.process.SupervisedLauncher} under a small POSIX shell
 * supervisor detached from the JVM (the shell the JVM runs forks it and exits at once); the task leads its own
 * session and process group. The supervisor reports the task's pid on a pipe and, when the task ends, records its
 * exit status in a file written atomically, so a task outlives the JVM and a later JVM learns its real exit status.
 * Processes are identified by pid and start time ({@link dev.taskdrivers.exec.process.ProcessIdentity}), so a
 * recycled pid is never taken for the task.
 *
 * <p>One {@link dev.taskdrivers.exec.process.ProcessPoller} thread watches all tasks (exit files, supervisor
 * liveness, log rotation); {@link dev.taskdrivers.exec.process.SupervisedProcess} adds signals, stop-then-kill of the
 * whole group and descendants, and stats.
 *
 * <p>Isolating drivers reuse it unchanged: {@link dev.taskdrivers.exec.process.LaunchSpec#withPrefix} puts a wrapper
 * (for example {@code unshare ... chroot <root>}) in front of the task's argv,
 * {@link dev.taskdrivers.exec.process.LaunchSpec#joiningCgroups} moves the task into cgroups before it runs, and
 * {@link dev.taskdrivers.exec.process.LaunchSpec#reportingReady} makes start wait for the wrapper's set-up;
 * {@link dev.taskdrivers.exec.process.CommandRunner} runs exec commands with the same kind of prefix.
 *
 * <p>Limits: a shell reports death by signal N as status 128+N, so a task exiting with 129-192 is reported as killed
 * by a signal. A task whose supervisor is killed is reported as failed with an unknown status. Logs are rotated only
 * while a JVM watches the task. On hosts whose {@code env} lacks {@code --default-signal} (coreutils before 8.31) tasks
 * ignore SIGINT and SIGQUIT, as every background job of a shell does.
 */
package dev.taskdrivers.exec.process;
