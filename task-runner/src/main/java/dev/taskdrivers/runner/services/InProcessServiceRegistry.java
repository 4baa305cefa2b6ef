package dev.taskdrivers.runner.services;

import dev.taskdrivers.api.TaskId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default registry: keeps the advertised services in memory, for a single node without a service catalog and
 * for tests. Health checks are not run.
 */
public final class InProcessServiceRegistry implements ServiceRegistry {
    /** The name to select it on the command line. */
    public static final String NAME = "inprocess";

    private static final Logger LOG = LoggerFactory.getLogger(InProcessServiceRegistry.class);

    private final Map<TaskId, List<Registration>> byTask = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
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

    /** Whether the runner said recovery is complete. */
    public boolean isRecoveryComplete() {
        return recoveryComplete;
    }

    /** Calls {@code listener} on every registration and removal. */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void registerTask(TaskServices task) {
        List<Registration> registrations = new ArrayList<>();
        for (ServiceSpec s : task.services()) {
            try {
                ServiceAddress address = ServiceAddress.resolve(s.addressMode(), s.portLabel(), task);
                registrations.add(new Registration(task.taskId(), s.name(), address.ip(), address.port(), s.tags(),
                        s.meta()));
            } catch (IllegalArgumentException e) {
                LOG.error("cannot register service {} of {}: {}", s.name(), task.taskId(), e.getMessage());
            }
        }
        List<Registration> previous = byTask.put(task.taskId(), List.copyOf(registrations));
        if (previous != null) {
            previous.forEach(r -> notify(r, false));
        }
        registrations.forEach(r -> notify(r, true));
    }

    @Override
    public void removeTask(TaskServices task) {
        List<Registration> removed = byTask.remove(task.taskId());
        if (removed != null) {
            removed.forEach(r -> notify(r, false));
        }
    }

    @Override
    public void recoveryComplete() {
        recoveryComplete = true;
    }

    @Override
    public void close() {
        byTask.clear();
    }

    private void notify(Registration r, boolean registered) {
        LOG.info("service {} {} at {}:{} for {}", r.name(), registered ? "registered" : "deregistered", r.ip(),
                r.port(), r.task());
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
    public record Registration(TaskId task, String name, String ip, int port, List<String> tags,
            Map<String, String> meta) {
        public Registration {
            tags = List.copyOf(tags);
            meta = Map.copyOf(meta);
        }
    }

    /** Told about registrations as they happen. */
    public interface Listener {
        void registered(Registration registration);

        default void deregistered(Registration registration) {
        }
    }
}
