package dev.taskdrivers.runner.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.templates.CatalogService;
import dev.taskdrivers.templates.NomadServiceRegistration;
import dev.taskdrivers.templates.TemplateDataSource;
import dev.taskdrivers.templates.TemplateQuery;
import dev.taskdrivers.templates.TemplateQueryResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The catalog as templates watch it: current value at once, then each change, filtered by name and tag. */
class NomadServiceCatalogTest {
    private final NomadServiceCatalog catalog = new NomadServiceCatalog();
    private final TaskId db = new TaskId("a1", "backend", "g", 0, "db");
    private final TaskId cache = new TaskId("a2", "backend", "g", 0, "cache");

    private static NomadServiceRegistration reg(TaskId task, String name, int port, String... tags) {
        return new NomadServiceRegistration(
                "_nomad-task-" + task.allocId() + "-" + task.taskName() + "-" + name + "-p" + port,
                name,
                "default",
                "node",
                "dc1",
                task.jobName(),
                task.allocId(),
                task.taskName(),
                List.of(tags),
                "127.0.0.1",
                port);
    }

    @Test
    void aWatchHearsTheCurrentValueThenEveryChangeOfItsService() {
        List<TemplateQueryResult> heard = new CopyOnWriteArrayList<>();
        TemplateDataSource.Watch w = catalog.watch(TemplateQuery.nomadService("db", "primary"), heard::add);
        assertThat(heard).containsExactly(TemplateQueryResult.ofRegistrations(List.of()));

        NomadServiceRegistration primary = reg(db, "db", 5432, "primary");
        catalog.register(db, List.of(primary));
        catalog.register(cache, List.of(reg(cache, "cache", 6379)));
        assertThat(heard)
                .as("another service changing is not heard")
                .containsExactly(
                        TemplateQueryResult.ofRegistrations(List.of()),
                        TemplateQueryResult.ofRegistrations(List.of(primary)));

        catalog.remove(db);
        assertThat(heard).last().isEqualTo(TemplateQueryResult.ofRegistrations(List.of()));
        w.close();
        catalog.register(db, List.of(primary));
        assertThat(heard).as("a closed watch hears nothing").hasSize(3);
    }

    @Test
    void servicesListsNamesWithTheTagsOfAllTheirRegistrations() {
        catalog.register(db, List.of(reg(db, "db", 1, "primary")));
        catalog.register(cache, List.of(reg(cache, "db", 2, "replica"), reg(cache, "cache", 3)));
        List<TemplateQueryResult> heard = new CopyOnWriteArrayList<>();

        catalog.watch(TemplateQuery.nomadServices(), heard::add).close();

        assertThat(heard)
                .containsExactly(TemplateQueryResult.ofServices(List.of(
                        new CatalogService("cache", List.of()),
                        new CatalogService("db", List.of("primary", "replica")))));
        assertThat(catalog.registrations())
                .extracting(NomadServiceRegistration::port)
                .containsExactly(3, 1, 2);
    }

    @Test
    void consulQueriesAreNotItsToAnswer() {
        assertThatThrownBy(() -> catalog.watch(TemplateQuery.key("k"), r -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kv.block(k) is not a query of Nomad's catalog");
    }
}
