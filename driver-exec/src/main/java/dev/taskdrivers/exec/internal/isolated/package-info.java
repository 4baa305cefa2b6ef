/** Machinery of the isolated exec driver: chroot, namespaces, cgroups; not API, may change without notice. */
package dev.taskdrivers.exec.internal.isolated;
