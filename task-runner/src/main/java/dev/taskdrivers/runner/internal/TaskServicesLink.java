package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.internal.catalog.CheckRestartWatch;
import dev.taskdrivers.runner.internal.catalog.NomadRegistrations;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.CheckWatch;
import dev.taskdrivers.services.ServiceProvider;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A task's services in the service registry: registered while it runs, removed before it is stopped or when it
 * ended. Registry calls return at once, so the supervisor makes them under its lock (a registration can never land
 * after its removal) and reports their failures outside it; a failure never stops the task. Services with
 * {@code provider = "nomad"} go to the runner's own catalog instead, which runs their checks, and the registry
 * never hears of them. A consul service's checks with a {@code check_restart} are watched through the registry's
 * reports of their results. Services may name the ports of the group's network granted to a sibling, as in Nomad
 * ({@link ServicePorts}).
 */
final class TaskServicesLink {
    private final RunnerContext ctx;
    private final TaskId id;
    private final TaskSpec spec;
    private final TaskEvents events;
    private final NomadRegistrations.JobPlace place;
    private final UnhealthyTask unhealthy;
    /** The services as interpolated for the current start; the spec's until the first start. */
    private volatile List<ServiceSpec> resolved;
    /** The handle the services are registered for, null while they are not; guarded by the supervisor's lock. */
    private @Nullable TaskHandle registeredFor;
    /** The ports they were registered with, removed with the same; guarded by the supervisor's lock. */
    private ServicePorts registeredWith = ServicePorts.NONE;
    /** The registry's reports of the consul checks' results, while watched; guarded by the supervisor's lock. */
    private @Nullable CheckWatch consulChecks;

    TaskServicesLink(
            RunnerContext ctx,
            TaskId id,
            TaskSpec spec,
            TaskEvents events,
            NomadRegistrations.JobPlace place,
            UnhealthyTask unhealthy) {
        this.ctx = ctx;
        this.unhealthy = unhealthy;
        this.place = place;
        this.id = id;
        this.spec = spec;
        this.events = events;
        this.resolved = spec.services();
    }

    /** The services with their variables interpolated, registered from now on. */
    void use(List<ServiceSpec> services) {
        this.resolved = List.copyOf(services);
    }

    /** Whether the task has services at all. */
    boolean any() {
        return !spec.services().isEmpty();
    }

    /**
     * Registers the services of running handle {@code h}, which may name the {@code seen} ports; returns why it
     * failed, if it did. Under the lock.
     */
    Optional<String> register(TaskHandle h, Optional<DriverNetwork> network, ServicePorts seen) {
        registeredFor = h;
        registeredWith = seen;
        Optional<String> nomad = Optional.empty();
        TaskServices inNomad = of(ServiceProvider.NOMAD, network, h);
        if (!inNomad.services().isEmpty()) {
            try {
                ctx.nomadCatalog().register(id, NomadRegistrations.of(inNomad, place));
                ctx.nomadCatalog().startChecks(inNomad, reason -> unhealthy.restart(h, reason));
            } catch (IllegalArgumentException e) {
                nomad = Optional.of(String.valueOf(e.getMessage()));
            }
        }
        TaskServices inConsul = of(ServiceProvider.CONSUL, network, h);
        if (inConsul.services().isEmpty()) {
            return nomad;
        }
        Optional<String> consul =
                Boundary.registry("registerTask", () -> ctx.registry().registerTask(inConsul));
        if (consul.isEmpty()) {
            consul = watchConsulChecks(inConsul, h);
        }
        return consul.isPresent() ? consul : nomad;
    }

    /** Watches the results of the consul checks that have a {@code check_restart}, if any do. Under the lock. */
    private Optional<String> watchConsulChecks(TaskServices inConsul, TaskHandle h) {
        stopWatchingConsulChecks();
        CheckRestartWatch watch =
                new CheckRestartWatch(inConsul.services(), Instant.now(), reason -> unhealthy.restart(h, reason));
        if (!watch.any()) {
            return Optional.empty();
        }
        return Boundary.registry(
                "watchChecks", () -> consulChecks = ctx.registry().watchChecks(inConsul, watch::observe));
    }

    private void stopWatchingConsulChecks() {
        CheckWatch watching = consulChecks;
        consulChecks = null;
        if (watching != null) {
            Boundary.registry("closing a check watch", watching::close);
        }
    }

    /** Removes the services if they are registered; returns why it failed, if it did. Under the lock. */
    Optional<String> deregister(Optional<DriverNetwork> network) {
        TaskHandle h = registeredFor;
        if (h == null) {
            return Optional.empty();
        }
        registeredFor = null;
        stopWatchingConsulChecks();
        ctx.nomadCatalog().stopChecks(of(ServiceProvider.NOMAD, network, h));
        ctx.nomadCatalog().remove(id);
        TaskServices inConsul = of(ServiceProvider.CONSUL, network, h);
        if (inConsul.services().isEmpty()) {
            return Optional.empty();
        }
        return Boundary.registry("removeTask", () -> ctx.registry().removeTask(inConsul));
    }

    /** The task's services of one provider. */
    private TaskServices of(ServiceProvider provider, Optional<DriverNetwork> network, TaskHandle h) {
        List<ServiceSpec> services =
                resolved.stream().filter(s -> s.provider() == provider).toList();
        return new TaskServices(
                id,
                services,
                ctx.hostIp(),
                registeredWith.ports(),
                registeredWith.network(network),
                h,
                registeredWith.portTo(network));
    }

    /** Reports a failed registration, outside the lock. */
    void reportRegisterFailure(Optional<String> failure) {
        failure.ifPresent(why -> events.emit(
                TaskEventType.TASK_HOOK_FAILED,
                "registering the task's services" + " failed: " + why + "; the task keeps running",
                Map.of("hook", "services")));
    }

    /** Reports a failed removal, outside the lock. */
    void reportDeregisterFailure(Optional<String> failure) {
        failure.ifPresent(why -> events.emit(
                TaskEventType.TASK_HOOK_FAILED,
                "removing the task's services failed: " + why,
                Map.of("hook", "services")));
    }

    /** Restarts a task whose check stayed unhealthy past its {@code check_restart} limit. */
    @FunctionalInterface
    interface UnhealthyTask {
        /** Called on a check thread: returns at once. */
        void restart(TaskHandle handle, String reason);
    }
}
