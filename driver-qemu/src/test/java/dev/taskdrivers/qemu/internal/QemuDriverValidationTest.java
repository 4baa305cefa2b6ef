package dev.taskdrivers.qemu.internal;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the driver itself refuses beyond the config block: the task's user and port labels it was not granted. */
class QemuDriverValidationTest {
    @TempDir
    Path dir;

    private QemuDriver driver;
    private Map<String, Object> config;

    @BeforeEach
    void setUp() throws Exception {
        driver = new QemuDriver(QemuDriverOptions.from(DriverContext.of(dir.resolve("state"))));
        Path image = Files.write(
                Files.createDirectories(dir.resolve("alloc").resolve("vm")).resolve("disk.img"), new byte[512]);
        config = Map.of("image_path", image.toString(), "port_map", Map.of("http", 80));
    }

    @Test
    void aTaskAskingForAnotherUserIsRefusedOnItsUserField() {
        List<ValidationProblem> problems = driver.validate(task("nobody", List.of(http())));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("user");
            assertThat(p.problem())
                    .startsWith("user is not supported by the qemu driver")
                    .contains("runner's user (" + System.getProperty("user.name") + ")", "\"nobody\"");
        });
        assertThatThrownBy(() -> driver.start(task("nobody", List.of(http())), EventEmitter.NONE))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems())
                                .extracting(ValidationProblem::field)
                                .containsExactly("user"));
    }

    @Test
    void noUserOrTheRunnersOwnUserIsWhatTheVmRunsAs() {
        assertThat(driver.validate(task(null, List.of(http())))).isEmpty();
        assertThat(driver.validate(task(System.getProperty("user.name"), List.of(http()))))
                .isEmpty();
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
        TaskConfig task = task(null, List.of(new Port("db", 5432, "127.0.0.1"), new Port("admin", 9000, "127.0.0.1")));

        assertThat(driver.validate(task))
                .containsExactly(new ValidationProblem(
                        "config.port_map.http",
                        "needs a port labelled \"http\" in the task's resources.ports, which has only \"db\", \"admin\";"
                                + " declare that port or remove \"http\" from port_map"));
        assertThat(driver.validate(task(null, List.of(http())))).isEmpty();
    }

    @Test
    void aRelativeImageThatIsNotThereYetIsAProblemOnlyOnceTheArtifactsWereFetched() throws Exception {
        config = Map.of("image_path", "local/fetched.img");
        TaskConfig task = task(null, List.of());

        assertThat(driver.validate(task))
                .as("an artifact may still put it there")
                .isEmpty();
        assertThatThrownBy(() -> driver.prestart(task, EventEmitter.NONE))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems()).singleElement().satisfies(p -> {
                            assertThat(p.field()).isEqualTo("config.image_path");
                            assertThat(p.problem())
                                    .isEqualTo("file " + dir.resolve("alloc/vm/local/fetched.img") + " does not exist");
                        }));

        Files.write(Files.createDirectories(dir.resolve("alloc/vm/local")).resolve("fetched.img"), new byte[512]);
        assertThat(driver.prestart(task, EventEmitter.NONE).portMap()).isEmpty();
    }

    @Test
    void anAbsoluteImageOutsideWhereImagesMayBeIsAProblemFromTheFirstCheck() {
        config = Map.of("image_path", dir.resolve("nowhere.img").toString());

        assertThat(driver.validate(task(null, List.of())))
                .extracting(ValidationProblem::field)
                .containsExactly("config.image_path");
    }

    @Test
    void anAbsoluteImageInTheAllocationThatIsMissingIsThisNodesProblemThenRefusedAtPrestart() {
        Path missing = dir.resolve("alloc/vm/local/elsewhere.img");
        config = Map.of("image_path", missing.toString());
        TaskConfig task = task(null, List.of());

        assertThat(driver.validate(task)).isEmpty();
        assertThat(driver.nodeProblems(task))
                .containsExactly(
                        new ValidationProblem("config.image_path", "file " + missing + " does not exist on this node"));
        assertThatThrownBy(() -> driver.prestart(task, EventEmitter.NONE))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("file " + missing + " does not exist");
    }

    private static Port http() {
        return new Port("http", 8080, "127.0.0.1");
    }

    private TaskConfig task(String user, List<Port> ports) {
        return new TaskConfig(
                new TaskId("a1", "job", "group", 0, "vm"),
                config,
                Map.of(),
                new Resources(100, 256, ports),
                TaskDirs.standard(dir.resolve("alloc"), "vm"),
                user,
                null,
                null);
    }
}
