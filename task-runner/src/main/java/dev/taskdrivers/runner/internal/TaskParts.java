package dev.taskdrivers.runner.internal;

/**
 * The parts of one supervised task that most of its steps work with, built once by its {@link TaskSupervisor} and
 * handed to each step ({@link TaskPreparation}, {@link TaskLaunch}, {@link TaskExits}, ...). A step keeps only the
 * parts it reads; what one or two steps need (the driver configs, templates, cores, the restart policy, another
 * step) is passed to those steps alone.
 *
 * @param task the supervisor: its lock guards {@code run}, and it ends, persists and registers the task
 * @param run the task's mutable state, read and moved only under {@code task}'s lock
 * @param events the task's events
 * @param ctx the runner: its blocking pool, spare allocation trees
 * @param alloc the allocation the task runs in
 * @param starter prepares, starts and reattaches the task through its driver
 * @param stopper stops the task through its driver, and cleans up after it
 */
record TaskParts(
        TaskSupervisor task,
        TaskRunState run,
        TaskEvents events,
        RunnerContext ctx,
        AllocationRunner alloc,
        TaskStarter starter,
        TaskStopper stopper) {}
