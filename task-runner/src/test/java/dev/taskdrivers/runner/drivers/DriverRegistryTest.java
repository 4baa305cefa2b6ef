package dev.taskdrivers.runner.drivers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.JobValidator;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverRegistryTest {
    @TempDir
    Path dir;

    /** A class loader that sees the test class path plus a services file listing {@code factories}. */
    private ClassLoader loaderWith(Class<?>... factories) throws IOException {
        Path services = dir.resolve("cp/META-INF/services");
        Files.createDirectories(services);
        StringBuilder lines = new StringBuilder();
        for (Class<?> c : factories) {
            lines.append(c.getName()).append('\n');
        }
        Files.writeString(services.resolve(DriverFactory.class.getName()), lines);
        return new URLClassLoader(
                new URL[] {dir.resolve("cp").toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void findsTheDriversOnTheInjectedClassLoader() throws Exception {
        DriverRegistry registry = DriverRegistry.load(loaderWith(TestFactories.WithSecrets.class), dir, Map.of());

        assertThat(registry.names()).contains("vault", "raw_exec");
        assertThat(registry.factoryClass("vault")).isEqualTo(TestFactories.WithSecrets.class.getName());
    }

    @Test
    void anUnknownDriverNamesTheDriversFoundAndTheArtifactToAdd() throws Exception {
        DriverRegistry registry = DriverRegistry.load(loaderWith(TestFactories.WithSecrets.class), dir, Map.of());

        // rkt is a driver of this project that is not on the test class path
        assertThatThrownBy(() -> registry.driver("rkt"))
                .isInstanceOf(DriverException.class)
                .hasMessageContaining("unknown driver \"rkt\"")
                .hasMessageContaining("raw_exec")
                .hasMessageContaining("vault")
                .hasMessageContaining("dev.taskdrivers:driver-rkt");
    }

    @Test
    void twoFactoriesWithOneNameAreAnErrorNamingBothClasses() throws Exception {
        ClassLoader loader = loaderWith(TestFactories.DupA.class, TestFactories.DupB.class);

        assertThatThrownBy(() -> DriverRegistry.load(loader, dir, Map.of()))
                .isInstanceOf(DriverException.class)
                .hasMessageContaining("\"dup\"")
                .hasMessageContaining(TestFactories.DupA.class.getName())
                .hasMessageContaining(TestFactories.DupB.class.getName());
    }

    @Test
    void aDriverBuiltForAnotherSpiVersionIsRefused() throws Exception {
        ClassLoader loader = loaderWith(TestFactories.FromTheFuture.class);

        assertThatThrownBy(() -> DriverRegistry.load(loader, dir, Map.of()))
                .hasMessageContaining("future")
                .hasMessageContaining("SPI version " + (DriverApi.SPI_VERSION + 1));
    }

    @Test
    void secretOptionsAreMaskedInToString() {
        DriverRegistry registry = DriverRegistry.of(
                List.of(new TestFactories.WithSecrets()),
                dir,
                Map.of("vault", Map.of("key_material", "s3cr3t", "password", "hunter2", "address", "x")));

        assertThat(registry.toString())
                .doesNotContain("s3cr3t")
                .doesNotContain("hunter2")
                .contains("address=x");
    }

    @Test
    void loadingCreatesNoDriverAndFingerprintsCreateEveryOne() throws Exception {
        DriverRegistry registry = DriverRegistry.of(List.of(new FakeDriverFactory(new FakeDriver())), dir, Map.of());

        assertThat(registry.created()).isEmpty();
        assertThat(registry.fingerprints()).containsOnlyKeys(FakeDriver.NAME);
        assertThat(registry.created()).containsExactly(FakeDriver.NAME);
    }

    @Test
    void validatingAndRunningASpecCreateOnlyTheDriversItNames() throws Exception {
        // "vault" cannot even be created: touching it would fail the run
        try (DriverRegistry drivers = registryOfFakeAndVault(new FakeDriver());
                TaskRunner runner = runner(drivers, "state")) {
            JobSpec job = jobOf(TaskSpec.of("once", FakeDriver.NAME, Map.of("run_ms", 1)));

            assertThat(new JobValidator(drivers).problems(job)).isEmpty();
            AllocationHandle alloc = runner.submit(job).get(0);
            alloc.await(Duration.ofSeconds(10));

            assertThat(alloc.status().tasks().values())
                    .singleElement()
                    .satisfies(t -> assertThat(t.failed()).isFalse());
            assertThat(drivers.created()).containsExactly(FakeDriver.NAME);
        }
    }

    @Test
    void recoveryCreatesTheDriversOfTheTasksInTheStateDirectory() throws Exception {
        FakeDriver fake = new FakeDriver();
        try (DriverRegistry first = registryOfFakeAndVault(fake);
                TaskRunner runner = runner(first, "state")) {
            AllocationHandle alloc = runner.submit(jobOf(TaskSpec.of("long", FakeDriver.NAME, Map.of("run_ms", -1))))
                    .get(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> fake.running.size() == 1);
            assertThat(alloc.id()).isNotBlank();
        }

        // the next runner is given no spec naming "fake": recovery alone needs it for the task it finds
        try (DriverRegistry second = registryOfFakeAndVault(fake);
                TaskRunner runner = runner(second, "state")) {
            assertThat(second.created()).isEmpty();

            assertThat(runner.recover().reattached()).isEqualTo(1);
            assertThat(second.created()).containsExactly(FakeDriver.NAME);
            assertThat(runner.stopAll(Duration.ofSeconds(10))).isTrue();
        }
    }

    private DriverRegistry registryOfFakeAndVault(FakeDriver fake) {
        return DriverRegistry.of(
                List.of(new FakeDriverFactory(fake), new TestFactories.WithSecrets()),
                dir.resolve("drivers"),
                Map.of());
    }

    private TaskRunner runner(DriverRegistry drivers, String state) {
        return TaskRunner.builder()
                .stateDir(dir.resolve(state))
                .dataDir(dir.resolve("data"))
                .drivers(drivers)
                .serviceRegistry(new InProcessServiceRegistry())
                .build();
    }

    private static JobSpec jobOf(TaskSpec task) {
        return JobSpec.of("job1", List.of(GroupSpec.of("group1", List.of(task.withRestart(RestartPolicy.NEVER)))));
    }
}
