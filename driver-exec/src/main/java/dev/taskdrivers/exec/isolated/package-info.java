/**
 * The {@code exec} driver: each task in a chroot of read-only bind mounts, its own mount, pid, ipc and uts
 * namespaces and a cgroup, supervised so that it outlives the JVM. {@link
 * dev.taskdrivers.exec.isolated.IsolatedExecDriverFactory} is the API (found by {@link java.util.ServiceLoader});
 * the driver itself lives in {@code dev.taskdrivers.exec.internal.isolated}.
 */
package dev.taskdrivers.exec.isolated;
