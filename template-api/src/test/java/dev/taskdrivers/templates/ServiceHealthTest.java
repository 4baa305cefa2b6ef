package dev.taskdrivers.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The health filter of {@code service} and the in-process source's instances it lists. */
class ServiceHealthTest {
    @Test
    void aFilterIsAnyOrAListOfStatuses() {
        assertThat(ServiceHealth.parseFilter("any")).isEmpty();
        assertThat(ServiceHealth.parseFilter("passing")).containsExactly("passing");
        assertThat(ServiceHealth.parseFilter("warning,passing")).containsExactlyInAnyOrder("passing", "warning");
        assertThat(ServiceHealth.parseFilter("critical,maintenance"))
                .containsExactlyInAnyOrder("critical", "maintenance");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bogus", "passing,bogus", "", "passing,", "Passing", "passing warning"})
    void anUnknownStatusIsRefusedNamingIt(String filter) {
        assertThatThrownBy(() -> ServiceHealth.parseFilter(filter))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown health status")
                .hasMessageContaining("passing, warning, critical, maintenance");
    }

    @ParameterizedTest
    @ValueSource(strings = {"any,passing", "passing,any", "any,any"})
    void anyCombinedWithAnythingIsRefused(String filter) {
        assertThatThrownBy(() -> ServiceHealth.parseFilter(filter))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"any\" cannot be combined");
    }

    @Test
    void queriesDescribeTheirFilterAsConsulTemplateDoes() {
        assertThat(TemplateQuery.service("web", null, Set.of("warning", "passing"))
                        .describe())
                .isEqualTo("health.service(web|passing,warning)");
        assertThat(TemplateQuery.service("web", "east", true).describe()).isEqualTo("health.service(east.web|passing)");
        assertThat(TemplateQuery.service("web", null, false).describe()).isEqualTo("health.service(web)");
        assertThat(TemplateQuery.service("web", null, true))
                .isEqualTo(TemplateQuery.service("web", null, Set.of("passing")));
        assertThatThrownBy(() -> TemplateQuery.service("web", null, Set.of("healthy")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"healthy\"");
    }

    @Test
    void theInProcessSourceListsTheInstancesOfTheStatusesAsked() {
        InProcessTemplateData data = new InProcessTemplateData();
        data.putInstance(instance("ok", "passing"));
        data.putInstance(instance("warn", "warning"));
        data.putInstance(instance("down", "critical"));
        data.putInstance(instance("maint", "maintenance"));

        assertThat(ids(data, Set.of("passing"))).containsExactly("ok");
        assertThat(ids(data, Set.of("passing", "warning"))).containsExactly("ok", "warn");
        assertThat(ids(data, Set.of("critical"))).containsExactly("down");
        assertThat(ids(data, Set.of("maintenance"))).containsExactly("maint");
        assertThat(ids(data, Set.of())).containsExactly("ok", "warn", "down", "maint");
    }

    private static ServiceInstance instance(String id, String status) {
        return new ServiceInstance(id, "web", "local", "127.0.0.1", 80, List.of(), status, Map.of());
    }

    private static List<String> ids(InProcessTemplateData data, Set<String> statuses) {
        List<String> ids = new ArrayList<>();
        TemplateDataSource.Watch watch = data.watch(TemplateQuery.service("web", null, statuses), new Listener(ids));
        watch.close();
        return ids;
    }

    private record Listener(List<String> ids) implements TemplateDataSource.Listener {
        @Override
        public void changed(TemplateQueryResult result) {
            result.instances().forEach(i -> ids.add(i.id()));
        }

        @Override
        public void failed(String problem) {
            throw new AssertionError(problem);
        }
    }
}
