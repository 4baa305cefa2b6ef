/**
 * Task cgroups, v1 and v2, shared by the exec and raw_exec drivers: finding the hierarchies, creating a task's cgroup
 * with its limits, killing everything in it, its usage; not API, may change without notice.
 */
package dev.taskdrivers.exec.internal.cgroup;
