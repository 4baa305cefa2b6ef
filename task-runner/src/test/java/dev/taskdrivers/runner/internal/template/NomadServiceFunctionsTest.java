package dev.taskdrivers.runner.internal.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.templates.CatalogService;
import dev.taskdrivers.templates.NomadServiceRegistration;
import dev.taskdrivers.templates.TemplateQuery;
import dev.taskdrivers.templates.TemplateQueryResult;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The template functions of Nomad's native service catalog, and the Nomad functions refused. */
class NomadServiceFunctionsTest {
    private final Map<TemplateQuery, TemplateQueryResult> data = new HashMap<>();

    private final TemplateInputs inputs = new TemplateInputs() {
        @Override
        public @Nullable TemplateQueryResult lookup(TemplateQuery query) {
            return data.get(query);
        }

        @Override
        public @Nullable String env(String name) {
            return null;
        }

        @Override
        public String file(String path) throws IOException {
            throw new IOException("no files");
        }

        @Override
        public Instant now() {
            return Instant.EPOCH;
        }
    };

    private static NomadServiceRegistration redis(String alloc, int port, String... tags) {
        return new NomadServiceRegistration(
                "_nomad-task-" + alloc + "-redis-redis-db",
                "redis",
                "default",
                "node-1",
                "dc1",
                "cache",
                alloc,
                "redis",
                List.of(tags),
                "10.0.0.5",
                port);
    }

    private String render(String text) {
        Template.Rendering r = Template.parse(text).render(inputs, false);
        assertThat(r.missing()).as("missing").isEmpty();
        return r.text();
    }

    @Test
    void nomadServiceListsTheRegistrationsWithTheirFields() {
        data.put(
                TemplateQuery.nomadService("redis", null),
                TemplateQueryResult.ofRegistrations(List.of(redis("a1", 6379, "primary"), redis("a2", 6380))));

        assertThat(render("{{ range nomadService \"redis\" }}{{ .Address }}:{{ .Port }} {{ .AllocID }} {{ .JobID }}"
                        + " {{ .Datacenter }} {{ .Namespace }} {{ .Node }} {{ .Name }} {{ .Tags }}\n{{ end }}"))
                .isEqualTo("10.0.0.5:6379 a1 cache dc1 default node-1 redis [primary]\n"
                        + "10.0.0.5:6380 a2 cache dc1 default node-1 redis []\n");
        assertThat(render("{{ range nomadService \"redis\" }}{{ .ID }}{{ end }}"))
                .isEqualTo("_nomad-task-a1-redis-redis-db_nomad-task-a2-redis-redis-db");
    }

    @Test
    void aTagBeforeTheNameIsItsOwnQuery() {
        data.put(
                TemplateQuery.nomadService("redis", "primary"),
                TemplateQueryResult.ofRegistrations(List.of(redis("a1", 6379, "primary"))));

        assertThat(render("{{ range nomadService \"primary.redis\" }}{{ .Port }}{{ end }}"))
                .isEqualTo("6379");
    }

    @Test
    void anUnknownServiceWaitsForTheCatalogThenRendersNothing() {
        Template.Rendering before =
                Template.parse("{{ range nomadService \"redis\" }}x{{ end }}").render(inputs, false);
        assertThat(before.missing()).containsExactly("nomad.service(redis)");

        data.put(TemplateQuery.nomadService("redis", null), TemplateQueryResult.ofRegistrations(List.of()));
        assertThat(render("{{ range nomadService \"redis\" }}x{{ else }}none{{ end }}"))
                .isEqualTo("none");
    }

    @Test
    void theRendezvousFormChoosesAStableSubsetPerKey() {
        List<NomadServiceRegistration> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(redis("alloc" + i, 7000 + i));
        }
        data.put(TemplateQuery.nomadService("redis", null), TemplateQueryResult.ofRegistrations(all));
        String two = "{{ range nomadService 2 \"reader-1\" \"redis\" }}{{ .Port }} {{ end }}";

        String chosen = render(two);
        assertThat(chosen.strip().split(" ")).hasSize(2).doesNotHaveDuplicates();
        assertThat(render(two)).as("the same key, the same choice").isEqualTo(chosen);

        List<NomadServiceRegistration> fewer = new ArrayList<>(all);
        fewer.removeIf(r -> !chosen.contains(Integer.toString(r.port())) && r.port() % 2 == 0);
        data.put(TemplateQuery.nomadService("redis", null), TemplateQueryResult.ofRegistrations(fewer));
        assertThat(render(two)).as("others leaving does not move the choice").isEqualTo(chosen);

        assertThatThrownBy(() -> render("{{ nomadService 0 \"k\" \"redis\" }}"))
                .hasMessageContaining("the count must be a whole number of at least 1");
        assertThatThrownBy(() -> render("{{ nomadService \"k\" \"redis\" }}"))
                .hasMessageContaining("wrong number of args for nomadService: want 1 or 3 got 2");
    }

    @Test
    void nomadServicesListsNamesWithTags() {
        data.put(
                TemplateQuery.nomadServices(),
                TemplateQueryResult.ofServices(List.of(
                        new CatalogService("api", List.of()), new CatalogService("redis", List.of("primary")))));

        assertThat(render("{{ range nomadServices }}{{ .Name }}{{ .Tags }} {{ end }}"))
                .isEqualTo("api[] redis[primary] ");
    }

    @Test
    void regionsAndNomadVariablesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> render("{{ nomadService \"redis@europe\" }}"))
                .hasMessageContaining("regions (@region) are not supported");
        assertThatThrownBy(() -> Template.parse("{{ with nomadVar \"nomad/jobs/app\" }}{{ .pass }}{{ end }}"))
                .hasMessageContaining(
                        "function \"nomadVar\" is not supported: Nomad variables live in Nomad's" + " servers");
        assertThatThrownBy(() -> Template.parse("{{ range nomadVarList }}{{ end }}"))
                .hasMessageContaining("function \"nomadVarList\" is not supported");
    }
}
