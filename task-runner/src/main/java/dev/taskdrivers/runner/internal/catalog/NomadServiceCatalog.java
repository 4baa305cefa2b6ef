package dev.taskdrivers.runner.internal.catalog;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.services.TaskServices;
import dev.taskdrivers.templates.CatalogService;
import dev.taskdrivers.templates.InMemoryWatches;
import dev.taskdrivers.templates.NomadServiceRegistration;
import dev.taskdrivers.templates.TemplateDataSource;
import dev.taskdrivers.templates.TemplateQuery;
import dev.taskdrivers.templates.TemplateQueryResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The services of this node registered with {@code provider = "nomad"}, by the task that advertises them, and their
 * checks. It answers the templates' Nomad queries as a {@link TemplateDataSource}: each watch hears its current value
 * at once and then every change, as Nomad's blocking service queries do. As in Nomad, a registration is listed
 * whatever its checks say: their results are kept apart ({@link #checks()}, Nomad's {@code nomad alloc checks}).
 */
public final class NomadServiceCatalog implements TemplateDataSource, AutoCloseable {
    private final Object lock = new Object();
    /** Registrations by task key; guarded by lock. */
    private final Map<String, List<NomadServiceRegistration>> byTask = new LinkedHashMap<>();

    private final InMemoryWatches watches = new InMemoryWatches(this::read);
    private final NomadServiceChecks checks = new NomadServiceChecks();

    /** Registers the task's services, replacing those it registered before. */
    public void register(TaskId task, List<NomadServiceRegistration> registrations) {
        synchronized (lock) {
            byTask.put(task.key(), List.copyOf(registrations));
        }
        notifyWatches();
    }

    /** Removes the task's services; nothing happens when it has none. */
    public void remove(TaskId task) {
        boolean removed;
        synchronized (lock) {
            removed = byTask.remove(task.key()) != null;
        }
        if (removed) {
            notifyWatches();
        }
    }

    /**
     * Starts the checks of a registered task's services, replacing those it had.
     *
     * @param restart asked, once per start, to restart the task when a check stays unhealthy past its
     *     {@code check_restart} limit, with the reason
     */
    public void startChecks(TaskServices task, Consumer<String> restart) {
        checks.start(task, restart);
    }

    /** Stops the checks of the task's services; nothing happens when it has none. */
    public void stopChecks(TaskServices task) {
        checks.stop(task);
    }

    /** Tells {@code listener} of the registrations the checks run for and of their results. */
    public void addListener(InProcessServiceRegistry.Listener listener) {
        checks.addListener(listener);
    }

    /** The latest result of each check of the registered services, sorted by service, task and check name. */
    public List<CheckStatus> checks() {
        return checks.statuses();
    }

    /** Stops every check; the registrations stay for the templates still reading them. */
    @Override
    public void close() {
        checks.close();
    }

    /** Every registration, sorted by service name and ID. */
    public List<NomadServiceRegistration> registrations() {
        synchronized (lock) {
            return byTask.values().stream()
                    .flatMap(List::stream)
                    .sorted(Comparator.comparing(NomadServiceRegistration::serviceName)
                            .thenComparing(NomadServiceRegistration::id))
                    .toList();
        }
    }

    @Override
    public Watch watch(TemplateQuery query, Listener listener) {
        if (!query.kind().nomadCatalog()) {
            throw new IllegalArgumentException(query.describe() + " is not a query of Nomad's catalog");
        }
        return watches.open(query, listener);
    }

    private void notifyWatches() {
        watches.refresh();
    }

    private TemplateQueryResult read(TemplateQuery q) {
        List<NomadServiceRegistration> all = registrations();
        if (q.kind() == TemplateQuery.Kind.NOMAD_SERVICE) {
            String tag = q.tag();
            return TemplateQueryResult.ofRegistrations(all.stream()
                    .filter(r -> r.serviceName().equals(q.name()))
                    .filter(r -> tag == null || r.tags().contains(tag))
                    .toList());
        }
        Map<String, Set<String>> tags = new TreeMap<>();
        all.forEach(
                r -> tags.computeIfAbsent(r.serviceName(), n -> new TreeSet<>()).addAll(r.tags()));
        List<CatalogService> services = new ArrayList<>();
        tags.forEach((name, t) -> services.add(new CatalogService(name, List.copyOf(t))));
        return TemplateQueryResult.ofServices(services);
    }
}
