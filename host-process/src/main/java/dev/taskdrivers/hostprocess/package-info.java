/**
 * Support for drivers that run host processes, JDK and SLF4J only.
 *
 * <ul>
 *   <li>{@link dev.taskdrivers.hostprocess.ProcessIdentity}: a process named by pid and start time, so a pid the
 *       kernel recycled is never taken for the process a driver started; read from
 *       {@link dev.taskdrivers.hostprocess.ProcStat} ({@code /proc/<pid>/stat}).</li>
 *   <li>{@link dev.taskdrivers.hostprocess.ProcessTable}: every process, and those that belong to one task (its
 *       group, session and descendants); {@link dev.taskdrivers.hostprocess.ProcessSignaller} signals or kills
 *       them.</li>
 *   <li>{@link dev.taskdrivers.hostprocess.UsageSampler}: cpu time, cpu percent and resident memory of a process
 *       or a task ({@link dev.taskdrivers.hostprocess.ProcessUsage}).</li>
 *   <li>{@link dev.taskdrivers.hostprocess.DetachedLauncher}: starts a program that outlives the JVM and records
 *       its exit status in a file; {@link dev.taskdrivers.hostprocess.CommandRunner} runs a short command with a
 *       timeout and capped output ({@link dev.taskdrivers.hostprocess.CommandResult}).</li>
 *   <li>{@link dev.taskdrivers.hostprocess.Executables} finds programs as {@code execvp} would;
 *       {@link dev.taskdrivers.hostprocess.SignalReset} gives a command every signal's default action back.</li>
 * </ul>
 *
 * <p>Linux only ({@code /proc}). Everything under {@code dev.taskdrivers.hostprocess.internal} may change without
 * notice.
 */
package dev.taskdrivers.hostprocess;
