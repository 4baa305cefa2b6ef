/**
 * The {@code raw_exec} driver: tasks as plain host processes, without isolation, supervised so that they outlive
 * the JVM. Task config: {@code command} (required), {@code args}, {@code max_file_size} (MiB, default 10),
 * {@code max_files} (default 10). Driver option: {@code enabled} (default true).
 */
package dev.taskdrivers.exec.raw;
