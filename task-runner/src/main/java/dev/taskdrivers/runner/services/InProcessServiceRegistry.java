package dev.taskdrivers.runner.services;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.CheckHealth;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.services.CheckType;
import dev.taskdrivers.services.CheckWatch;
import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default registry: keeps the advertised services in memory, for a single node without a service catalog and
 * for tests, and runs their health checks itself: http (a 2xx answer passes), tcp (a connection opens) and script
 * (run inside the task through its handle's exec: exit 0 passing, 1 warning, else critical), each on its interval
 * with its timeout, on a few shared threads. grpc checks are not run here; their status says so.
 */
public final class InProcessServiceRegistry implements ServiceRegistry {
    /** The name to select it on the command line. */
    public static final String NAME = "inprocess";

    private static final Logger LOG = LoggerFactory.getLogger(InProcessServiceRegistry.class);
    private static final int CHECK_THREADS = 2;

    private final Map<TaskId, List<Registration>> byTask = new ConcurrentHashMap<>();
    private final Map<TaskId, List<RunningCheck>> checksByTask = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<TaskId, List<Consumer<CheckStatus>>> watchers = new ConcurrentHashMap<>();
    private final CheckScheduler scheduler = new CheckScheduler(CHECK_THREADS);
    private volatile boolean recoveryComplete;

    /** Every registered service, in no particular order. */
    public List<Registration> services() {
        List<Registration> all = new ArrayList<>();
        byTask.values().forEach(all::addAll);
        return all;
    }

    /** The services of one service name. */
    public List<Registration> services(String name) {
        return services().stream().filter(r -> r.name().equals(name)).toList();
    }

    /** The latest status of every check of the registered services, in no particular order. */
    public List<CheckStatus> checks() {
        List<CheckStatus> all = new ArrayList<>();
        checksByTask.values().forEach(checks -> checks.forEach(c -> all.add(c.status)));
        return all;
    }

    /** The latest status of the checks of one service name. */
    public List<CheckStatus> checks(String serviceName) {
        return checks().stream().filter(c -> c.service().equals(serviceName)).toList();
    }

    /** Whether the runner said recovery is complete. */
    public boolean isRecoveryComplete() {
        return recoveryComplete;
    }

    /** Calls {@code listener} on every registration, removal and check status change. */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void registerTask(TaskServices task) {
        List<Registration> registrations = new ArrayList<>();
        for (ServiceSpec s : task.services()) {
            try {
                ServiceAddress address = ServiceAddress.resolve(s.addressMode(), s.address(), s.portLabel(), task);
                registrations.add(
                        new Registration(task.taskId(), s.name(), address.ip(), address.port(), s.tags(), s.meta()));
            } catch (IllegalArgumentException e) {
                LOG.error("cannot register service {} of {}: {}", s.name(), task.taskId(), e.getMessage());
            }
        }
        stopChecks(task.taskId());
        List<Registration> previous = byTask.put(task.taskId(), List.copyOf(registrations));
        if (previous != null) {
            previous.forEach(r -> notify(r, false));
        }
        registrations.forEach(r -> notify(r, true));
        startChecks(task, registrations);
    }

    @Override
    public void removeTask(TaskServices task) {
        stopChecks(task.taskId());
        List<Registration> removed = byTask.remove(task.taskId());
        if (removed != null) {
            removed.forEach(r -> notify(r, false));
        }
    }

    /** {@inheritDoc} True: this registry runs the checks itself. */
    @Override
    public boolean reportsCheckResults() {
        return true;
    }

    /** {@inheritDoc} Each run of each check of the task is reported as it ends. */
    @Override
    public CheckWatch watchChecks(TaskServices task, Consumer<CheckStatus> listener) {
        Objects.requireNonNull(listener, "listener");
        watchers.computeIfAbsent(task.taskId(), t -> new CopyOnWriteArrayList<>())
                .add(listener);
        return () -> watchers.computeIfPresent(task.taskId(), (t, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    @Override
    public void recoveryComplete() {
        recoveryComplete = true;
    }

    /** Stops every check and forgets every service. Idempotent. */
    @Override
    public void close() {
        checksByTask.keySet().forEach(this::stopChecks);
        scheduler.close();
        byTask.clear();
        watchers.clear();
    }

    // ---- checks -----------------------------------------------------------------------------------------------

    private void startChecks(TaskServices task, List<Registration> registered) {
        List<RunningCheck> checks = new ArrayList<>();
        for (ServiceSpec s : task.services()) {
            if (registered.stream().noneMatch(r -> r.name().equals(s.name()))) {
                continue; // not advertised, so nothing to check
            }
            for (CheckSpec c : s.checks()) {
                checks.add(new RunningCheck(task.taskId(), s, c));
            }
        }
        if (checks.isEmpty()) {
            return;
        }
        checksByTask.put(task.taskId(), List.copyOf(checks));
        for (RunningCheck check : checks) {
            check.start(task);
        }
    }

    private void stopChecks(TaskId task) {
        List<RunningCheck> checks = checksByTask.remove(task);
        if (checks != null) {
            checks.forEach(RunningCheck::stop);
        }
    }

    private CheckProbe probe(ServiceSpec service, CheckSpec check, TaskServices task) {
        if (check.type() == CheckType.SCRIPT) {
            return new ScriptProbe(task.handle(), check.command(), check.timeout());
        }
        AddressMode mode = check.addressMode() != null ? check.addressMode() : service.addressMode();
        String label = check.portLabel() != null ? check.portLabel() : service.portLabel();
        // as in Nomad, a check without its own address mode probes the service's custom address
        String custom = check.addressMode() == null ? service.address() : null;
        ServiceAddress address = ServiceAddress.resolve(mode, custom, label, task);
        return switch (check.type()) {
            case HTTP ->
                new HttpProbe(
                        scheduler.http(check.tlsSkipVerify()),
                        HttpProbe.uri(check.protocol(), address, check.path()),
                        check.method() == null ? "GET" : check.method(),
                        check.headers(),
                        check.timeout());
            case TCP -> new TcpProbe(address, check.timeout());
            default -> throw new IllegalStateException("no probe for " + check.type());
        };
    }

    /** One check of one registered service, with its latest status. */
    private final class RunningCheck {
        private final ServiceSpec service;
        private final CheckSpec spec;
        private volatile CheckStatus status;
        private volatile CheckScheduler.@Nullable Scheduled scheduled;
        private volatile boolean stopped;

        RunningCheck(TaskId task, ServiceSpec service, CheckSpec spec) {
            this.service = service;
            this.spec = spec;
            CheckHealth initial = spec.type() == CheckType.GRPC
                    ? CheckHealth.NOT_SUPPORTED
                    : CheckHealth.fromInitialStatus(spec.initialStatus()).orElse(CheckHealth.CRITICAL);
            String output = spec.type() == CheckType.GRPC
                    ? "grpc checks are not run by the in-process registry (the consul registry runs them)"
                    : "not run yet";
            this.status =
                    new CheckStatus(task, service.name(), spec.name(), spec.type(), initial, output, Instant.now());
        }

        void start(TaskServices task) {
            if (spec.type() == CheckType.GRPC) {
                return;
            }
            CheckProbe probe;
            try {
                probe = probe(service, spec, task);
            } catch (IllegalArgumentException e) {
                update(ProbeResult.critical("cannot run the check: " + e.getMessage()));
                return;
            }
            scheduled = scheduler.schedule(probe, spec.interval(), this::update);
            if (stopped) {
                scheduled.cancel(); // removed while it was being started
            }
        }

        void stop() {
            stopped = true;
            CheckScheduler.Scheduled s = scheduled;
            if (s != null) {
                s.cancel();
            }
        }

        private void update(ProbeResult result) {
            CheckStatus previous;
            CheckStatus next;
            synchronized (this) {
                if (stopped) {
                    return; // a result that arrives after the service was withdrawn means nothing
                }
                previous = status;
                next = new CheckStatus(
                        previous.task(),
                        previous.service(),
                        previous.check(),
                        previous.type(),
                        result.health(),
                        result.output(),
                        Instant.now());
                status = next;
            }
            notifyRan(next);
            if (previous.health() != next.health()) {
                notifyCheck(previous, next);
            }
        }
    }

    // ---- listeners --------------------------------------------------------------------------------------------

    private void notify(Registration r, boolean registered) {
        LOG.info(
                "service {} {} at {}:{} for {}",
                r.name(),
                registered ? "registered" : "deregistered",
                r.ip(),
                r.port(),
                r.task());
        for (Listener l : listeners) {
            try {
                if (registered) {
                    l.registered(r);
                } else {
                    l.deregistered(r);
                }
            } catch (RuntimeException e) {
                LOG.warn("service listener failed: {}", e.toString());
            }
        }
    }

    private void notifyRan(CheckStatus current) {
        for (Consumer<CheckStatus> w : watchers.getOrDefault(current.task(), List.of())) {
            try {
                w.accept(current);
            } catch (RuntimeException e) {
                LOG.warn("check watcher failed: {}", e.toString());
            }
        }
        for (Listener l : listeners) {
            try {
                l.checkRan(current);
            } catch (RuntimeException e) {
                LOG.warn("service listener failed: {}", e.toString());
            }
        }
    }

    private void notifyCheck(CheckStatus previous, CheckStatus current) {
        LOG.info(
                "check \"{}\" of service {} for {}: {} -> {} ({})",
                current.check(),
                current.service(),
                current.task(),
                previous.health().displayName(),
                current.health().displayName(),
                current.output());
        for (Listener l : listeners) {
            try {
                l.checkChanged(previous, current);
            } catch (RuntimeException e) {
                LOG.warn("service listener failed: {}", e.toString());
            }
        }
    }

    /**
     * One advertised service.
     *
     * @param task the task that provides it
     * @param name the service name
     * @param ip its address
     * @param port its port, 0 when none
     * @param tags its tags
     * @param meta its metadata
     */
    public record Registration(
            TaskId task, String name, String ip, int port, List<String> tags, Map<String, String> meta) {
        public Registration {
            tags = List.copyOf(tags);
            meta = Map.copyOf(meta);
        }
    }

    /** Told about registrations and check results as they happen, on the registry's threads: return quickly. */
    public interface Listener {
        void registered(Registration registration);

        default void deregistered(Registration registration) {}

        /** A check's health changed, e.g. from critical to passing. */
        default void checkChanged(CheckStatus previous, CheckStatus current) {}

        /** A check ran, whatever its result: {@code current} is that result. */
        default void checkRan(CheckStatus current) {}
    }
}
