package dev.taskdrivers.exec.internal.cgroup;

/** Which cgroup interface the host offers for the controllers tasks need. */
public enum CgroupVersion {
    /** One hierarchy per controller ({@code /sys/fs/cgroup/memory}, {@code .../cpu}, ...). */
    V1,
    /** The unified hierarchy ({@code /sys/fs/cgroup} with {@code cgroup.controllers}). */
    V2
}
