/** Machinery of the isolated exec driver: chroot, namespaces, its cgroups (made with {@link dev.taskdrivers.exec.internal.cgroup}); not API, may change without notice. */
package dev.taskdrivers.exec.internal.isolated;
