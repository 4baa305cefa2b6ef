package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.internal.TaskPhase.Dead;
import dev.taskdrivers.runner.internal.TaskPhase.Restored;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.HandleStateRead;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Relaunching;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Started;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Takes over a task restored from a state file: reattaches it when it ran, or when the driver finds it running from
 * a start whose handle was never recorded; relaunches it when it cannot be reattached or had not started; finishes
 * its cleanup when it had ended.
 *
 * <p>Locks: the task's {@link TaskRunState} is read and moved under the {@link TaskSupervisor}'s lock; the driver is
 * called, and the state written, outside it.
 */
final class TaskRecovery {
    private final TaskSupervisor task;
    private final TaskRunState run;
    private final AllocationRunner alloc;
    private final TaskStarter starter;
    private final TaskStopper stopper;
    private final TaskConfigs configs;
    private final TaskTemplates templates;
    private final TaskEvents events;
    private final TaskExits exits;

    TaskRecovery(TaskParts parts, TaskConfigs configs, TaskTemplates templates, TaskExits exits) {
        this.task = parts.task();
        this.run = parts.run();
        this.alloc = parts.alloc();
        this.starter = parts.starter();
        this.stopper = parts.stopper();
        this.configs = configs;
        this.templates = templates;
        this.events = parts.events();
        this.exits = exits;
    }

    /** Takes the restored task over; returns what was done. */
    RecoveryOutcome recover() {
        TaskPhase restored;
        synchronized (task) {
            restored = run.phase;
        }
        if (restored instanceof Dead dead) {
            if (dead.cleanedUp()) {
                task.finished().complete(task.status());
            } else {
                task.cleanupAndComplete();
            }
            return RecoveryOutcome.FINISHED;
        }
        HandleState saved = restored instanceof Restored r ? r.saved() : null;
        if (restored.state() == TaskState.RUNNING && saved != null) {
            Optional<TaskHandle> h = starter.reattach(configs.start(), saved);
            if (h.isPresent()) {
                adopt(h.get(), saved, "recording the reattached task");
                return RecoveryOutcome.REATTACHED;
            }
        }
        Optional<TaskHandle> unrecorded = starter.findUnrecorded(configs.start());
        if (unrecorded.isPresent()) {
            takeOver(unrecorded.get());
            return RecoveryOutcome.REATTACHED;
        }
        synchronized (task) {
            run.on(new Relaunching());
        }
        task.persist();
        task.runStep("relaunching the task", task::relaunch);
        return RecoveryOutcome.RELAUNCHED;
    }

    /** Takes over a running task whose handle was never recorded, as a reattach does. */
    private void takeOver(TaskHandle h) {
        events.emit(
                TaskEventType.DRIVER,
                "Task was found running from a start the runner had not recorded, and was taken" + " over",
                Map.of());
        adopt(h, null, "recording the task taken over");
    }

    /**
     * Makes a running handle this task's: from here on the task is watched, so nothing that fails later starts it a
     * second time. Its state is written when it differs from {@code saved} (the state file's; null when none).
     */
    private void adopt(TaskHandle h, @Nullable HandleState saved, String step) {
        boolean stopNow;
        synchronized (task) {
            run.on(new Started(h));
            // killed while it was being taken over, e.g. by its leader's end seen by the sibling recovered first
            stopNow = run.phase.killRequested();
        }
        exits.watch(h);
        if (!templates.isEmpty()) { // the environment is built only when a template needs it
            templates.resume(alloc.environmentFor(task));
        }
        task.guarded(step, () -> {
            HandleState now = starter.handleState(h);
            synchronized (task) {
                run.on(new HandleStateRead(h, now));
            }
            if (!now.equals(saved)) {
                task.persist();
            }
        });
        if (stopNow) {
            stopper.stop(h);
            return;
        }
        task.register(h);
        alloc.taskStarted(task);
    }
}
