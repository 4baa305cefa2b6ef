package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.templates.TemplateQuery;
import org.junit.jupiter.api.Test;

/** Queries of Nomad's native catalog are the runner's to answer: Consul's source answers them as unsupported without asking. */
class ConsulTemplateDataNomadQueriesTest {
    @Test
    void nomadQueriesAreRefusedBeforeAnyRequest() {
        try (ConsulTemplateData data = ConsulTemplateData.create(ConsulOptions.defaults())) {
            assertThatThrownBy(() -> data.watch(TemplateQuery.nomadService("db", null), r -> {}))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessage("nomad.service(db) is Nomad's catalog, not Consul's");
            assertThatThrownBy(() -> data.watch(TemplateQuery.nomadServices(), r -> {}))
                    .hasMessage("nomad.services is Nomad's catalog, not Consul's");
        }
    }
}
