package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Detach;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.HandleStateRead;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Started;
import java.util.Map;

/**
 * Starts a prepared task once its templates rendered, with the final environment (its own and its siblings' ports
 * are known then): records its handle before anyone hears of the start, then registers its services and waits for
 * its exit.
 *
 * <p>Locks: the task's {@link TaskRunState} is read and moved under the {@link TaskSupervisor}'s lock; the driver,
 * the allocation and the state file are called outside it.
 */
final class TaskLaunch {
    private final TaskSupervisor task;
    private final TaskRunState run;
    private final RunnerContext ctx;
    private final AllocationRunner alloc;
    private final TaskStarter starter;
    private final TaskStopper stopper;
    private final TaskConfigs configs;
    private final TaskTemplates templates;
    private final TaskEvents events;
    private final TaskRestartDecision restarts;
    private final TaskExits exits;

    TaskLaunch(
            TaskParts parts,
            TaskConfigs configs,
            TaskTemplates templates,
            TaskRestartDecision restarts,
            TaskExits exits) {
        this.task = parts.task();
        this.run = parts.run();
        this.ctx = parts.ctx();
        this.alloc = parts.alloc();
        this.starter = parts.starter();
        this.stopper = parts.stopper();
        this.configs = configs;
        this.templates = templates;
        this.events = parts.events();
        this.restarts = restarts;
        this.exits = exits;
    }

    /** Starts the prepared task, unless it was stopped or let go meanwhile, or its templates are not ready. */
    void launch() {
        boolean stopped;
        synchronized (task) {
            if (run.detachRequested) {
                return; // the runner is closing: its state says not started, so the next runner starts it
            }
            stopped = run.stopRequested();
        }
        if (stopped) {
            task.finish(false);
            return;
        }
        Map<String, String> env = alloc.environmentFor(task);
        TaskTemplates.Readiness templatesReady =
                templates.ready(env, () -> task.runStep("starting the task", this::launch));
        if (templatesReady == TaskTemplates.Readiness.WAITING) {
            return; // launched again once every template rendered (the event says what is missing), or killed
        }
        if (templatesReady == TaskTemplates.Readiness.FAILED) {
            task.finish(true);
            return;
        }
        StartResult result;
        try {
            result = starter.start(alloc.joinNetwork(configs.start(TemplateChanges.withTemplateEnv(env, templates))));
        } catch (DriverException e) {
            restarts.driverFailure(e);
            return;
        }
        TaskHandle h = result.handle();
        boolean stopNow;
        synchronized (task) {
            // from here on the task is stopped, never forgotten, whatever fails next
            run.on(new Started(h));
            run.network = result.network();
            run.created = run.created.merge(result.created());
            stopNow = run.phase.killRequested();
        }
        HandleState reattach = starter.handleState(h);
        synchronized (task) {
            run.on(new HandleStateRead(h, reattach));
        }
        // the handle reaches the state file before anyone hears of the start: a runner killed from here on leaves
        // a state from which the next one reattaches this task instead of starting it a second time
        task.persist(false);
        events.emit(TaskEventType.STARTED, "Task started by client", Map.of());
        task.persist(!result.created().isEmpty()); // with the Started event; forced to disk for what must be cleaned up
        if (!stopNow && letGoAfterStart()) {
            TaskSupervisor.closeQuietly(h); // its handle is recorded: the next runner reattaches the task
            return;
        }
        alloc.taskStarted(task); // tasks whose lifecycle waited for this start go now
        ctx.spares().refill(); // for the next allocation, now that this start is done
        // registered before its exit is waited for, so even a task that ends at once is advertised and withdrawn in
        // that order; a registry failure is reported by register() and never skips the wait
        task.register(h);
        exits.watch(h);
        if (stopNow) {
            stopper.stop(h);
        }
    }

    /** Whether the runner closed while the task was being started; if so the task is now detached. */
    private boolean letGoAfterStart() {
        synchronized (task) {
            if (run.detachRequested) {
                run.on(new Detach());
            }
            return run.detachRequested;
        }
    }
}
