package dev.taskdrivers.exec.internal.java;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.java.JavaDriverFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Java programs run by the java driver in its default isolation: chroot, namespaces, a cgroup, user nobody. */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaDriverIsolatedTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path tempDir;

    private JavaTasks tasks;

    @BeforeAll
    void requireHost() {
        JavaContractTest.JavaHost.requireIsolation();
    }

    @BeforeEach
    void createDriver() {
        tasks = new JavaTasks(tempDir, newDriver(Map.of()));
    }

    private dev.taskdrivers.api.Driver newDriver(Map<String, Object> options) {
        return new JavaDriverFactory().create(new DriverContext(options, tempDir.resolve("data")));
    }

    @AfterEach
    void stopAll() throws Exception {
        tasks.close();
    }

    @Test
    void aJarRunsWithItsJvmOptionsAndArgsAsNobody() throws Exception {
        JavaTasks.Started s = tasks.start(Map.of(
                "jar_path",
                "local/probe.jar",
                "jvm_options",
                List.of("-Dfoo=bar baz", "-Xmx48m"),
                "args",
                List.of("report", "one", "two three")));

        ExitResult result = s.exit();

        assertThat(result.exitCode()).as("exit of %s: %s", result, s.stderr()).isZero();
        String out = s.stdout();
        assertThat(out)
                .contains("foo=bar baz\n", "args=one,two three\n", "user=nobody\n", "class=file:/local/probe.jar");
        assertThat(maxMemory(out)).as("-Xmx48m reached the JVM").isLessThanOrEqualTo(48 * MIB);
    }

    @Test
    void aClassRunsFromAClassPathAndFromAJarWithoutMainClass() throws Exception {
        JavaTasks.Started fromDir = tasks.start(
                Map.of("class", ProbeJars.MAIN, "class_path", "local/classes", "args", List.of("report", "dir")));
        JavaTasks.Started fromJar = tasks.start(
                Map.of("jar_path", "local/plain.jar", "class", ProbeJars.MAIN, "args", List.of("report", "jar")));

        assertThat(fromDir.exit().exitCode()).as(fromDir.stderr()).isZero();
        assertThat(fromJar.exit().exitCode()).as(fromJar.stderr()).isZero();
        assertThat(fromDir.stdout()).contains("args=dir\n", "class=file:/local/classes/");
        assertThat(fromJar.stdout()).contains("args=jar\n", "class=file:/local/plain.jar");
    }

    @Test
    void theJvmSizesItsHeapFromTheTasksMemoryLimit() throws Exception {
        JavaTasks.Started s =
                tasks.start(tasks.task(Map.of("jar_path", "local/probe.jar", "args", List.of("report")), 128));

        assertThat(s.exit().exitCode()).as(s.stderr()).isZero();
        // without the limit the JVM would take a quarter of the host's memory
        assertThat(maxMemory(s.stdout())).isLessThanOrEqualTo(128 * MIB);
    }

    @Test
    void withAMemoryMaximumTheJvmSizesItsHeapFromTheMaximum() throws Exception {
        // 64 MiB reserved, 1 GiB allowed: the JVM's share of 1 GiB is well above 64 MiB
        JavaTasks.Started s =
                tasks.start(tasks.task(Map.of("jar_path", "local/probe.jar", "args", List.of("report")), 64, 1024));

        assertThat(s.exit().exitCode()).as(s.stderr()).isZero();
        assertThat(maxMemory(s.stdout())).isGreaterThan(64 * MIB).isLessThanOrEqualTo(1024 * MIB);
    }

    @Test
    void aJvmGrowingPastTheTasksMemoryLimitIsOomKilled() throws Exception {
        // the heap may grow to 1 GiB, the cgroup allows 128 MiB
        JavaTasks.Started s = tasks.start(tasks.task(
                Map.of(
                        "jar_path",
                        "local/probe.jar",
                        "jvm_options",
                        List.of("-Xmx1g"),
                        "args",
                        List.of("allocate", "400")),
                128));

        ExitResult result = s.exit();

        assertThat(result.oomKilled())
                .as("result %s, output %s", result, s.stdout())
                .isTrue();
        assertThat(s.stdout()).doesNotContain("allocated");
    }

    @Test
    void stopEndsTheJvmWithinTheKillTimeout() throws Exception {
        JavaTasks.Started s = tasks.start(Map.of("jar_path", "local/probe.jar", "args", List.of("sleep")));
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> s.stdout().contains("sleeping"));

        long begin = System.nanoTime();
        ExitResult result = s.handle().stop(Duration.ofSeconds(20), "SIGTERM").get(40, TimeUnit.SECONDS);

        assertThat(result.successful()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - begin))
                .as("stopped by SIGTERM, not forced")
                .isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aNewDriverTakesOverARunningJvmAndGetsItsExitCode() throws Exception {
        JavaTasks.Started s =
                tasks.start(Map.of("jar_path", "local/probe.jar", "args", List.of("until-file", "go", "42")));
        HandleState state = s.handle().state();
        assertThat(state.driver()).isEqualTo("java");
        s.handle().close();
        tasks.driver.close();
        tasks.driver = newDriver(Map.of());

        TaskHandle recovered = tasks.driver.recover(s.task(), state, EventEmitter.NONE);
        tasks.adopt(s, recovered);
        Files.writeString(s.task().dirs().allocDir().resolve("go"), "");

        assertThat(recovered.exitFuture().get(60, TimeUnit.SECONDS).exitCode()).isEqualTo(42);
    }

    @Test
    void aJdkOutsideTheChrootEnvIsBoundIntoTheChroot() throws Exception {
        Fingerprint found = tasks.driver.fingerprint();
        String home = found.attributes().get("driver.java.home");
        // no /usr: the JDK (under /usr/lib/jvm here) is visible only because the driver binds it
        Map<String, Object> chrootEnv = Map.of("/bin", "/bin", "/etc", "/etc", "/lib", "/lib", "/lib64", "/lib64");
        tasks.driver.close();
        tasks.driver = newDriver(Map.of("java_home", home, "chroot_env", chrootEnv));

        JavaTasks.Started s = tasks.start(Map.of("jar_path", "local/probe.jar", "args", List.of("report")));

        assertThat(s.exit().exitCode()).as(s.stderr()).isZero();
        assertThat(s.stdout()).contains("java.home=" + home + "\n");
    }

    @Test
    void startNamesEveryMissingFileAndNothingStarts() {
        var task = tasks.task(
                Map.of(
                        "jar_path",
                        "local/missing.jar",
                        "class",
                        ProbeJars.MAIN,
                        "class_path",
                        "local/nothing:alloc/lib/*"),
                128);
        tasks.driver.prestart(task, EventEmitter.NONE);

        assertThatThrownBy(() -> tasks.driver.start(task, EventEmitter.NONE))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems())
                                .extracting(ValidationProblem::field, ValidationProblem::problem)
                                .anySatisfy(p -> assertThat(p.toList())
                                        .containsExactly(
                                                "config.jar_path",
                                                "/local/missing.jar is not a file in the task's directories (looked for "
                                                        + task.dirs().localDir().resolve("missing.jar") + ")"))
                                .anySatisfy(p ->
                                        assertThat(p.toList().get(1).toString()).startsWith("entry /local/nothing "))
                                .anySatisfy(p ->
                                        assertThat(p.toList().get(1).toString()).startsWith("entry /alloc/lib/* ")));
    }

    @Test
    void theFingerprintTellsTheJdk() {
        Fingerprint fingerprint = tasks.driver.fingerprint();

        assertThat(fingerprint.isHealthy()).as(fingerprint.description()).isTrue();
        assertThat(fingerprint.attributes())
                .containsEntry("driver.java", "1")
                .containsEntry("driver.java.version", System.getProperty("java.version"))
                .containsEntry("driver.java.vendor", System.getProperty("java.vendor"))
                .containsEntry("driver.java.isolation", "chroot")
                .hasEntrySatisfying(
                        "driver.java.runtime", v -> assertThat(v).contains(System.getProperty("java.runtime.version")))
                .hasEntrySatisfying(
                        "driver.java.vm", v -> assertThat(v).startsWith(System.getProperty("java.vm.name")));
    }

    static long maxMemory(String out) {
        return Long.parseLong(out.replaceAll("(?s).*maxMemory=(\\d+).*", "$1"));
    }

    @Test
    void theTasksLogLimitsRotateItsOutput() throws Exception {
        LogConfig limits =
                LogConfig.builder().maxFiles(3).maxFileSizeBytes(16 * 1024).build();
        var task = tasks.task(Map.of("jar_path", "local/probe.jar", "args", List.of("chatter", "2000")), 256)
                .withLogs(limits);

        tasks.start(task);

        // about 200 KiB written: a dozen files of 16 KiB, of which the newest 3 are kept
        JavaTasks.awaitStdoutKeptWithin(task, limits, "line 002000 " + "x".repeat(88));
    }
}
