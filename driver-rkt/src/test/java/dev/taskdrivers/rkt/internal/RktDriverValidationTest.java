package dev.taskdrivers.rkt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the driver refuses beyond the config block: the task's user and port labels it was not granted. */
class RktDriverValidationTest {
    private static final Map<String, Object> CONFIG =
            Map.of("image", "docker://busybox:1", "port_map", Map.of("http", "http-8080"));

    @TempDir
    Path root;

    private StandinRkt rkt;
    private RktDriver driver;

    @BeforeEach
    void install() {
        rkt = StandinRkt.install(root.resolve("bin"));
        driver = new RktDriver(
                RktDriverOptions.from(new DriverContext(Map.of("rkt_path", rkt.path()), root.resolve("data"))));
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void aTaskAskingForAUserIsRefusedOnItsUserFieldAndNeverPrepared() throws Exception {
        TaskConfig task = task("nobody", List.of(http()));

        assertThat(driver.validate(task)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("user");
            assertThat(p.problem())
                    .startsWith("user is not supported by the rkt driver")
                    .contains("\"nobody\"");
        });
        assertThatThrownBy(() -> driver.start(task, EventEmitter.NONE))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems())
                                .extracting(ValidationProblem::field)
                                .containsExactly("user"));
        assertThat(rkt.calls()).as("rkt invocations").doesNotContain("prepare");
        assertThat(driver.validate(task(null, List.of(http())))).isEmpty();
    }

    @Test
    void portLabelsAreNotCheckedBeforeThePortsAreGrantedButArePrestart() {
        TaskConfig beforeGrant = task(null, List.of());

        assertThat(driver.validate(beforeGrant)).isEmpty();
        assertThatThrownBy(() -> driver.prestart(beforeGrant, EventEmitter.NONE))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(new ValidationProblem(
                                        "config.port_map.http",
                                        "needs a port labelled \"http\" in the task's"
                                                + " resources.ports, which grants no ports; declare that port or remove \"http\""
                                                + " from port_map")));
    }

    @Test
    void aPortMapLabelMissingFromTheGrantedPortsNamesTheLabelsThatAreThere() {
        TaskConfig task = task(null, List.of(new Port("db", 5432, "127.0.0.1")));

        assertThat(driver.validate(task))
                .containsExactly(new ValidationProblem(
                        "config.port_map.http",
                        "needs a port labelled \"http\" in the task's resources.ports, which has only \"db\"; declare that"
                                + " port or remove \"http\" from port_map"));
    }

    private static Port http() {
        return new Port("http", 20080, "127.0.0.1");
    }

    private TaskConfig task(String user, List<Port> ports) {
        TaskId id = new TaskId("alloc1", "job", "group", 0, "web");
        return new TaskConfig(
                id,
                CONFIG,
                Map.of(),
                new Resources(100, 256, ports),
                TaskDirs.standard(root.resolve("alloc"), "web"),
                user,
                null,
                null);
    }
}
