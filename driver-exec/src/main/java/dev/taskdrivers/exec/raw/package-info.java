/**
 * The {@code raw_exec} driver: tasks as plain host processes, without isolation, supervised so that they outlive
 * the JVM. Task config: {@code command} (required), {@code args}, {@code max_file_size} (MiB) and
 * {@code max_files}, aliases of the task's {@code logs} block that win when set. Driver options: {@code enabled} (default true),
 * {@code fork_server} (default true: one Perl fork server per driver starts the tasks). {@link
 * dev.taskdrivers.exec.raw.RawExecDriverFactory} is the API (found by {@link java.util.ServiceLoader}); the driver
 * itself lives in {@code dev.taskdrivers.exec.internal.raw}.
 */
package dev.taskdrivers.exec.raw;
