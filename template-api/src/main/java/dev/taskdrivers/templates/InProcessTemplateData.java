package dev.taskdrivers.templates;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Keys and services held in this process: the runner's default {@link TemplateDataSource}, for tests and for nodes
 * without Consul. Every change is reported at once to the watches it affects; instances added here are passing
 * unless given another status.
 */
public final class InProcessTemplateData implements TemplateDataSource {
    private final Object lock = new Object();
    private final TreeMap<String, String> keys = new TreeMap<>();
    private final Map<String, ServiceInstance> instances = new LinkedHashMap<>();
    private final InMemoryWatches watches = new InMemoryWatches(this::read);

    /** Sets a key. */
    public void putKey(String key, String value) {
        synchronized (lock) {
            keys.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        }
        notifyWatches();
    }

    /** Removes a key; nothing happens when it does not exist. */
    public void deleteKey(String key) {
        synchronized (lock) {
            keys.remove(key);
        }
        notifyWatches();
    }

    /** Adds an instance, or replaces the one with its ID. */
    public void putInstance(ServiceInstance instance) {
        synchronized (lock) {
            instances.put(instance.id(), instance);
        }
        notifyWatches();
    }

    /** Removes the instance with this ID. */
    public void removeInstance(String id) {
        synchronized (lock) {
            instances.remove(id);
        }
        notifyWatches();
    }

    /** How many watches are open, e.g. to see that many templates reading one key share one. */
    public int openWatches() {
        return watches.size();
    }

    @Override
    public Watch watch(TemplateQuery query, Listener listener) {
        return watches.open(query, listener);
    }

    private void notifyWatches() {
        watches.refresh();
    }

    private TemplateQueryResult read(TemplateQuery q) {
        synchronized (lock) {
            return switch (q.kind()) {
                case KEY -> TemplateQueryResult.ofValue(keys.get(q.name()));
                case KEY_PREFIX -> {
                    List<KeyValue> found = new ArrayList<>();
                    keys.tailMap(q.name(), true).forEach((k, v) -> {
                        if (k.startsWith(q.name())) {
                            found.add(new KeyValue(k, v));
                        }
                    });
                    yield TemplateQueryResult.ofKeys(found);
                }
                case SERVICE ->
                    TemplateQueryResult.ofInstances(instances.values().stream()
                            .filter(i -> i.name().equals(q.name()))
                            .filter(i -> q.tag() == null || i.tags().contains(q.tag()))
                            .filter(i -> q.accepts(i.status()))
                            .toList());
                case SERVICES -> {
                    Map<String, Set<String>> tags = new TreeMap<>();
                    instances
                            .values()
                            .forEach(i -> tags.computeIfAbsent(i.name(), n -> new TreeSet<>())
                                    .addAll(i.tags()));
                    List<CatalogService> services = new ArrayList<>();
                    tags.forEach((name, t) -> services.add(new CatalogService(name, List.copyOf(t))));
                    yield TemplateQueryResult.ofServices(services);
                }
                // the runner answers these from its own catalog; this source holds no Nomad services
                case NOMAD_SERVICE -> TemplateQueryResult.ofRegistrations(List.of());
                case NOMAD_SERVICES -> TemplateQueryResult.ofServices(List.of());
            };
        }
    }
}
