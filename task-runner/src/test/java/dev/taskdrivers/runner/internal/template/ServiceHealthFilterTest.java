package dev.taskdrivers.runner.internal.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.templates.TemplateQuery;
import dev.taskdrivers.templates.TemplateQueryResult;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code service} asks its data source for, read from its argument as consul-template reads it. */
class ServiceHealthFilterTest {
    private static final TemplateInputs NO_INSTANCES = new TemplateInputs() {
        @Override
        public @Nullable TemplateQueryResult lookup(TemplateQuery query) {
            return TemplateQueryResult.ofInstances(List.of());
        }

        @Override
        public @Nullable String env(String name) {
            return null;
        }

        @Override
        public String file(String path) throws IOException {
            throw new NoSuchFileException(path);
        }

        @Override
        public Instant now() {
            return Instant.EPOCH;
        }
    };

    @ParameterizedTest(name = "{0} asks for {1}")
    @CsvSource(
            delimiter = ';',
            value = {
                "service \"web\"; health.service(web|passing)",
                "service \"web|passing\"; health.service(web|passing)",
                "service \"web|any\"; health.service(web)",
                "service \"web|passing,warning\"; health.service(web|passing,warning)",
                "service \"web|warning,passing\"; health.service(web|passing,warning)",
                "service \"web|critical\"; health.service(web|critical)",
                "service \"web|maintenance,critical\"; health.service(web|critical,maintenance)",
                "service \"east.web|critical\"; health.service(east.web|critical)",
                "service \"v1.east.web|passing,warning\"; health.service(v1.east.web|passing,warning)",
                "service \"web\" \"passing,warning\"; health.service(web|passing,warning)",
                "service \"web\" \"any\"; health.service(web)"
            })
    void theFilterBecomesTheQuerysStatuses(String call, String query) {
        assertThat(queriesOf("{{ range " + call + " }}{{ end }}"))
                .extracting(TemplateQuery::describe)
                .containsExactly(query);
    }

    @Test
    void statusesAreWhatTheSourceFiltersBy() {
        assertThat(queriesOf("{{ service \"east.web|passing,warning\" }}"))
                .singleElement()
                .satisfies(q -> {
                    assertThat(q.name()).isEqualTo("web");
                    assertThat(q.tag()).isEqualTo("east");
                    assertThat(q.statuses()).containsExactlyInAnyOrder("passing", "warning");
                    assertThat(q.accepts("warning")).isTrue();
                    assertThat(q.accepts("critical")).isFalse();
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = ';',
            value = {
                "service \"web|bogus\"; service \"web|bogus\": unknown health status \"bogus\"",
                "service \"web|passing,\"; service \"web|passing,\": unknown health status \"\"",
                "service \"web|any,passing\"; service \"web|any,passing\": \"any\" cannot be combined",
                "service \"web\" \"healthy\"; service \"web\": unknown health status \"healthy\"",
                "service \"web|any\" \"passing\"; service \"web|any\": the health filter is given twice",
                "service \"web@dc1\"; service \"web@dc1\": datacenters (@dc) and nearness (~node) are not supported",
                "service \"web~node1|passing\"; service \"web~node1|passing\": datacenters (@dc)",
                "service \"east.|passing\"; service \"east.|passing\": no service name"
            })
    void anUnsupportedFormIsATemplateErrorNamingTheFunctionAndItsArgument(String call, String message) {
        assertThatThrownBy(() -> queriesOf("{{ " + call + " }}"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining(message);
    }

    private static Set<TemplateQuery> queriesOf(String text) {
        return Template.parse(text).render(NO_INSTANCES, false).queries();
    }
}
