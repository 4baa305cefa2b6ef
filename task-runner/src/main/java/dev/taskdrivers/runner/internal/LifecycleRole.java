package dev.taskdrivers.runner.internal;

import dev.taskdrivers.runner.spec.JobType;
import dev.taskdrivers.runner.spec.TaskLifecycle;
import dev.taskdrivers.runner.spec.TaskSpec;

/** What a task is to its allocation, from its {@link TaskLifecycle}: the hook it runs at and whether it lasts. */
enum LifecycleRole {
    PRESTART,
    PRESTART_SIDECAR,
    MAIN,
    POSTSTART,
    POSTSTART_SIDECAR,
    POSTSTOP;

    static LifecycleRole of(TaskSpec spec) {
        return spec.lifecycle().map(LifecycleRole::of).orElse(MAIN);
    }

    private static LifecycleRole of(TaskLifecycle l) {
        return switch (l.hook()) {
            case PRESTART -> l.sidecar() ? PRESTART_SIDECAR : PRESTART;
            case POSTSTART -> l.sidecar() ? POSTSTART_SIDECAR : POSTSTART;
            case POSTSTOP -> POSTSTOP; // a poststop task runs once, sidecar or not
        };
    }

    boolean isSidecar() {
        return this == PRESTART_SIDECAR || this == POSTSTART_SIDECAR;
    }

    /**
     * Whether a task that exited successfully goes through its restart policy: sidecars do, ephemeral hook tasks
     * never (they are done), main tasks in a service job do (they are meant to run until stopped).
     */
    boolean restartsOnSuccess(JobType jobType) {
        return switch (this) {
            case PRESTART_SIDECAR, POSTSTART_SIDECAR -> true;
            case PRESTART, POSTSTART, POSTSTOP -> false;
            case MAIN -> jobType == JobType.SERVICE;
        };
    }

    /** Whether the allocation's end of life must wait for this task: every task but a sidecar or a poststop one. */
    boolean keepsSidecarsAlive() {
        return this == MAIN || this == PRESTART || this == POSTSTART;
    }
}
