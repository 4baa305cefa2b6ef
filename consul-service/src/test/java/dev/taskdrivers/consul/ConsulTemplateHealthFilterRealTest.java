package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.templates.ServiceInstance;
import dev.taskdrivers.templates.TemplateDataSource;
import dev.taskdrivers.templates.TemplateQuery;
import dev.taskdrivers.templates.TemplateQueryResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code service}'s health filter against the agent: instances of a service with a passing, a warning, a critical
 * check and one in maintenance mode, each listed only by the filters naming its status.
 */
@Tag("real")
class ConsulTemplateHealthFilterRealTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private String prefix;
    private String name;
    private ConsulTemplateData source;
    private final List<TemplateDataSource.Watch> watches = new ArrayList<>();

    @BeforeEach
    void registerOneInstanceOfEachStatus() {
        TestAgent.require();
        prefix = TestAgent.freshPrefix();
        name = prefix.replace("_", "") + "-web";
        source = ConsulTemplateData.create(TestAgent.options(), Duration.ofSeconds(20));
        TestAgent.registerWithCheck(prefix + "-ok", name, "passing");
        TestAgent.registerWithCheck(prefix + "-warn", name, "warning");
        TestAgent.registerWithCheck(prefix + "-down", name, "critical");
        TestAgent.registerWithCheck(prefix + "-maint", name, "passing");
        TestAgent.enableMaintenance(prefix + "-maint");
        // every instance and check is in the catalog before the filters are asked
        await().atMost(WAIT).until(() -> statusById(Set.of()).equals(allStatuses()));
    }

    @AfterEach
    void tearDown() {
        watches.forEach(TemplateDataSource.Watch::close);
        if (source != null) {
            source.close();
        }
        if (prefix != null) {
            TestAgent.deregisterAll(prefix);
        }
    }

    @Test
    void aWarningInstanceIsListedWithPassingWarningAndNotByDefault() {
        assertThat(statusById(Set.of("passing"))).containsExactlyEntriesOf(Map.of(prefix + "-ok", "passing"));
        assertThat(statusById(Set.of("passing", "warning")))
                .containsExactlyEntriesOf(
                        new TreeMap<>(Map.of(prefix + "-ok", "passing", prefix + "-warn", "warning")));
    }

    @Test
    void criticalMaintenanceAndAnyListTheirInstances() {
        assertThat(statusById(Set.of("critical"))).containsExactlyEntriesOf(Map.of(prefix + "-down", "critical"));
        assertThat(statusById(Set.of("maintenance")))
                .containsExactlyEntriesOf(Map.of(prefix + "-maint", "maintenance"));
        assertThat(statusById(Set.of())).containsExactlyEntriesOf(allStatuses());
    }

    private Map<String, String> allStatuses() {
        return new TreeMap<>(Map.of(
                prefix + "-ok", "passing",
                prefix + "-warn", "warning",
                prefix + "-down", "critical",
                prefix + "-maint", "maintenance"));
    }

    /** The first answer of a watch of the service with these statuses: instance ID to its status, sorted. */
    private Map<String, String> statusById(Set<String> statuses) {
        AtomicReference<TemplateQueryResult> first = new AtomicReference<>();
        TemplateDataSource.Watch watch =
                source.watch(TemplateQuery.service(name, null, statuses), new TemplateDataSource.Listener() {
                    @Override
                    public void changed(TemplateQueryResult result) {
                        first.compareAndSet(null, result);
                    }
                });
        watches.add(watch);
        TemplateQueryResult result = await().atMost(WAIT).until(first::get, r -> r != null);
        watch.close();
        Map<String, String> byId = new TreeMap<>();
        for (ServiceInstance i : result.instances()) {
            byId.put(i.id(), i.status());
        }
        return byId;
    }
}
