package dev.taskdrivers.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.TaskMount;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every driver keeps. A driver's test subclasses this class, names its factory, says what its tests
 * need ({@link #requireEnvironment()}) and returns task configs for the fixtures below; a fixture the driver cannot
 * express returns {@link Optional#empty()} and the tests using it are aborted as not applicable.
 *
 * <p>Tests for signals and exec follow {@link Driver#capabilities()}: a capable driver must do it, an incapable one
 * must refuse with {@link ErrorCode#UNSUPPORTED}. A driver whose capabilities say it mounts volumes must show a
 * mounted host directory inside the task, read-only when asked ({@link #exitingZeroIfFileHolds},
 * {@link #exitingZeroIfItCanWrite}). Every task gets the variable {@code TASKDRIVERS_TCK_RUN} in its
 * environment; after all tests no host process may still carry it.
 *
 * <p>Whatever a test prestarts is cleaned up after it with what prestart and start reported created, as the runner
 * would: also when the test fails, when start throws, or when a stop fails.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DriverContractTest {
    /** The variable put into every task's environment to find leftovers. */
    public static final String RUN_MARKER = "TASKDRIVERS_TCK_RUN";

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final String runId = UUID.randomUUID().toString();
    private final List<Driver> drivers = new ArrayList<>();
    private final List<Started> started = new ArrayList<>();

    @TempDir
    Path tempDir;

    private Driver driver;
    private Path dataDir;

    // ---- what a driver's test provides ----

    /** The factory under test. */
    protected abstract DriverFactory factory();

    /** Calls {@link RealEnvironment#require} for whatever the driver needs (an engine, a binary, privileges). */
    protected abstract void requireEnvironment();

    /** Operator options the driver is created with. */
    protected Map<String, Object> driverOptions() {
        return Map.of();
    }

    /** A task that exits with {@code code} at once. */
    protected abstract Optional<Map<String, Object>> exitingWith(int code);

    /** A task that exits 0 if environment variable {@code name} equals {@code value}, else non-zero. */
    protected abstract Optional<Map<String, Object>> exitingZeroIfEnvEquals(String name, String value);

    /** A task that runs until it is stopped, and exits on SIGTERM. */
    protected abstract Optional<Map<String, Object>> runningUntilStopped();

    /**
     * A task that ignores SIGTERM (and keeps running until killed), and creates {@code $NOMAD_ALLOC_DIR/<readyFile>}
     * once it does.
     */
    protected abstract Optional<Map<String, Object>> ignoringSigterm(String readyFile);

    /**
     * A task that creates {@code $NOMAD_ALLOC_DIR/<readyFile>} once it handles {@code signal}, then exits with
     * {@code code} when it receives it.
     */
    protected abstract Optional<Map<String, Object>> exitingOnSignal(String signal, int code, String readyFile);

    /** A task that exits with {@code code} once {@code $NOMAD_ALLOC_DIR/<triggerFile>} exists. */
    protected abstract Optional<Map<String, Object>> exitingWhenFileAppears(String triggerFile, int code);

    /** The argv of a command, run with exec inside a task, that prints {@code text} to stdout and exits {@code code}. */
    protected abstract Optional<List<String>> execPrinting(String text, int code);

    /** A config with at least two problems, and the fields they are about. */
    protected abstract Optional<InvalidConfig> invalidConfig();

    /** Where {@link #aVolumeMountShowsTheHostDirectoryInsideTheTaskOrIsUnsupported} mounts its volume in the task. */
    protected String volumeMountPath() {
        return "/local/tck-volume";
    }

    /**
     * A task that exits 0 if the file {@code fileInTask} holds exactly {@code content}, else non-zero. Needed when the
     * driver mounts volumes ({@link dev.taskdrivers.api.Capabilities#volumeMounts()}); empty by default.
     */
    protected Optional<Map<String, Object>> exitingZeroIfFileHolds(String fileInTask, String content) {
        return Optional.empty();
    }

    /**
     * A task that writes {@code fileInTask} and exits 0 when it could, else non-zero. Needed when the driver mounts
     * volumes; empty by default.
     */
    protected Optional<Map<String, Object>> exitingZeroIfItCanWrite(String fileInTask) {
        return Optional.empty();
    }

    /** How long a started task may take to end after being told to; generous for slow engines. */
    protected Duration exitTimeout() {
        return EXIT_TIMEOUT;
    }

    // ---- lifecycle ----

    @BeforeEach
    void createDriver() throws IOException {
        dataDir = Files.createDirectories(tempDir.resolve("driver-data"));
        driver = newDriver();
    }

    @AfterEach
    void stopEverything() {
        List<Throwable> failures = new ArrayList<>();
        for (Started s : started) {
            TaskHandle handle = s.handle;
            if (handle != null) {
                try {
                    handle.stop(Duration.ZERO, "SIGKILL").get(exitTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    failures.add(new AssertionError("could not stop task " + s.task.id() + " after the test", e));
                } finally {
                    closeQuietly(handle, failures);
                }
            }
            // cleaned up even when its stop failed: cleanup is what removes a task's leftovers
            try {
                driver.cleanup(s.task, s.created);
            } catch (RuntimeException e) {
                failures.add(new AssertionError("could not clean up task " + s.task.id() + " after the test", e));
            }
        }
        started.clear();
        for (Driver d : drivers) {
            try {
                d.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        drivers.clear();
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.get(0).getMessage(), failures.get(0));
            failures.subList(1, failures.size()).forEach(error::addSuppressed);
            throw error;
        }
    }

    private static void closeQuietly(TaskHandle handle, List<Throwable> failures) {
        try {
            handle.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    @AfterAll
    void noProcessOfTheseTestsIsLeft() {
        await("processes of the tests to end")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() ->
                        assertThat(HostProcesses.withEnv(RUN_MARKER, runId)).isEmpty());
    }

    // ---- the contract ----

    @Test
    void factoryIsFoundThroughServiceLoaderAndCreatesANewDriverEachTime() {
        DriverFactory found = ServiceLoader.load(DriverFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals(factory().name()))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no factory named " + factory().name() + " in META-INF/services"));
        assertThat(found.getClass()).isEqualTo(factory().getClass());
        assertThat(DriverApi.supports(found.spiVersion()))
                .as("spi version %s", found.spiVersion())
                .isTrue();
        assertThat(newDriver()).isNotSameAs(newDriver());
        assertThat(driver.name()).isEqualTo(factory().name());
    }

    @Test
    void fingerprintIsHealthy() {
        requireEnvironment();
        assertThat(driver.fingerprint().isHealthy())
                .as("fingerprint %s", driver.fingerprint())
                .isTrue();
    }

    @Test
    void reportsTheExitCode() throws Exception {
        requireEnvironment();
        Map<String, Object> fails = fixture(exitingWith(3));
        assertThat(awaitExit(start(fails)).exitCode()).isEqualTo(3);
        assertThat(awaitExit(start(fixture(exitingWith(0)))).successful()).isTrue();
    }

    @Test
    void theTaskSeesItsEnvironment() throws Exception {
        requireEnvironment();
        Map<String, Object> config = fixture(exitingZeroIfEnvEquals("TCK_VALUE", "v 1=2"));
        assertThat(awaitExit(start(task(config, Map.of("TCK_VALUE", "v 1=2"), List.of())))
                        .exitCode())
                .isZero();
        assertThat(awaitExit(start(task(config, Map.of("TCK_VALUE", "other"), List.of())))
                        .exitCode())
                .isNotZero();
    }

    @Test
    void portVariablesAreSetBeforeStart() throws Exception {
        requireEnvironment();
        List<Port> ports = List.of(new Port("http", 23456, "127.0.0.1"));
        PrestartResult prestart =
                prestartTracked(task(fixture(exitingZeroIfEnvEquals("NOMAD_PORT_http", "0")), Map.of(), ports));
        String expected = Integer.toString(prestart.portMap().getOrDefault("http", 23456));
        TaskConfig task = task(fixture(exitingZeroIfEnvEquals("NOMAD_PORT_http", expected)), Map.of(), ports);
        assertThat(awaitExit(start(task)).exitCode())
                .as("NOMAD_PORT_http seen by the task is %s", expected)
                .isZero();
    }

    @Test
    void stopEndsATaskWithinTheKillTimeout() throws Exception {
        requireEnvironment();
        TaskHandle handle = start(fixture(runningUntilStopped()));
        Duration killTimeout = Duration.ofSeconds(10);
        long begin = System.nanoTime();
        ExitResult result =
                handle.stop(killTimeout, "SIGTERM").get(killTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - begin))
                .as("graceful stop time")
                .isLessThan(killTimeout);
        assertThat(result.successful()).as("result %s", result).isFalse();
        assertThat(handle.stop(killTimeout, "SIGTERM")).as("stopping again").isCompletedWithValue(result);
    }

    @Test
    void stopForcesATaskThatIgnoresSigterm() throws Exception {
        requireEnvironment();
        String ready = "ready-" + UUID.randomUUID();
        TaskHandle handle = start(fixture(ignoringSigterm(ready)));
        awaitFile(ready);
        Duration killTimeout = Duration.ofSeconds(1);
        long begin = System.nanoTime();
        ExitResult result =
                handle.stop(killTimeout, "SIGTERM").get(killTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        assertThat(took).as("forced stop waited the kill timeout").isGreaterThanOrEqualTo(killTimeout);
        assertThat(result.successful()).as("result %s", result).isFalse();
    }

    @Test
    void signalReachesTheTaskOrIsUnsupported() throws Exception {
        requireEnvironment();
        if (!driver.capabilities().signals()) {
            TaskHandle handle = start(fixture(runningUntilStopped()));
            assertThatThrownBy(() -> handle.signal("SIGHUP"))
                    .isInstanceOfSatisfying(
                            DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED));
            return;
        }
        String ready = "ready-" + UUID.randomUUID();
        TaskHandle handle = start(fixture(exitingOnSignal("SIGUSR1", 7, ready)));
        awaitFile(ready);
        handle.signal("SIGUSR1");
        assertThat(awaitExit(handle).exitCode()).isEqualTo(7);
    }

    @Test
    void aVolumeMountShowsTheHostDirectoryInsideTheTaskOrIsUnsupported() throws Exception {
        requireEnvironment();
        Assumptions.assumeTrue(
                driver.capabilities().volumeMounts(), "this driver mounts no volumes; the runner gives it none");
        Path volume = Files.createDirectories(tempDir.resolve("volume-" + UUID.randomUUID()));
        // writable by whichever user the driver runs its tasks as
        Files.setPosixFilePermissions(volume, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(volume.resolve("greeting.txt"), "hello from the host");
        String inTask = volumeMountPath();
        Map<String, Object> reads = exitingZeroIfFileHolds(inTask + "/greeting.txt", "hello from the host")
                .orElseThrow(
                        () -> new AssertionError("a driver that mounts volumes must provide exitingZeroIfFileHolds"));
        Map<String, Object> writes = exitingZeroIfItCanWrite(inTask + "/written.txt")
                .orElseThrow(
                        () -> new AssertionError("a driver that mounts volumes must provide exitingZeroIfItCanWrite"));

        assertThat(awaitExit(start(mounted(reads, volume, inTask, true))).exitCode())
                .as("the task reads the host's file through the mount")
                .isZero();
        assertThat(awaitExit(start(mounted(writes, volume, inTask, true))).exitCode())
                .as("a read-only mount refuses the task's write")
                .isNotZero();
        assertThat(volume.resolve("written.txt")).doesNotExist();
        assertThat(awaitExit(start(mounted(writes, volume, inTask, false))).exitCode())
                .as("a writable mount takes the task's write")
                .isZero();
        assertThat(volume.resolve("written.txt")).exists();
    }

    private TaskConfig mounted(Map<String, Object> config, Path hostDir, String inTask, boolean readOnly) {
        return task(config, Map.of(), List.of())
                .withMounts(List.of(new TaskMount(hostDir, inTask, readOnly, TaskMount.Propagation.PRIVATE)));
    }

    @Test
    void execRunsInsideTheTaskOrIsUnsupported() throws Exception {
        requireEnvironment();
        TaskHandle handle = start(fixture(runningUntilStopped()));
        if (!driver.capabilities().exec()) {
            assertThatThrownBy(() -> handle.exec(ExecRequest.of(List.of("true"), Duration.ofSeconds(5))))
                    .isInstanceOfSatisfying(
                            DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED));
            return;
        }
        List<String> argv = execPrinting("tck says hi", 3)
                .orElseThrow(() -> new AssertionError("a driver with exec capability must provide execPrinting"));
        ExecResult result = handle.exec(ExecRequest.of(argv, Duration.ofSeconds(30)));
        assertThat(result.stdout()).contains("tck says hi");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.timedOut()).isFalse();
    }

    @Test
    void aNewDriverRecoversARunningTaskAndItsRealExitCode() throws Exception {
        requireEnvironment();
        String trigger = "trigger-" + UUID.randomUUID();
        Running first = startTracked(task(fixture(exitingWhenFileAppears(trigger, 42)), Map.of(), List.of()));
        HandleState state = first.handle.state();
        first.handle.close();
        driver.close();

        Driver second = newDriver();
        driver = second;
        // until it is recovered, the task is cleaned up by the new driver without a handle
        started.set(first.index, new Started(first.task, null, first.created));
        TaskHandle recovered = second.recover(first.task, state, EventEmitter.NONE);
        started.set(first.index, new Started(first.task, recovered, first.created));
        assertThat(recovered.exitFuture()).as("still running").isNotDone();
        Files.writeString(first.task.dirs().allocDir().resolve(trigger), "go");
        assertThat(awaitExit(recovered).exitCode()).isEqualTo(42);
    }

    @Test
    void recoveringATaskThatIsGoneIsNotFound() throws Exception {
        requireEnvironment();
        Running s = startTracked(task(fixture(exitingWith(0)), Map.of(), List.of()));
        awaitExit(s.handle);
        HandleState state = s.handle.state();
        driver.cleanup(s.task, s.created);
        Driver other = newDriver();
        assertThatThrownBy(() -> other.recover(s.task, state, EventEmitter.NONE))
                .isInstanceOfSatisfying(
                        DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void cleanupTwiceIsFine() throws Exception {
        requireEnvironment();
        Running s = startTracked(task(fixture(exitingWith(0)), Map.of(), List.of()));
        awaitExit(s.handle);
        driver.cleanup(s.task, s.created);
        driver.cleanup(s.task, s.created);
    }

    @Test
    void aTaskTheDriverRunsHereHasNoProblemOfItsOwnOrOfThisNode() {
        requireEnvironment();
        TaskConfig task = task(fixture(exitingWith(0)), Map.of(), List.of());

        assertThat(driver.validate(task)).isEmpty();
        assertThat(driver.nodeProblems(task)).isEmpty();
    }

    @Test
    void validationReportsEveryProblemWithItsField() {
        InvalidConfig invalid =
                invalidConfig().orElseThrow(() -> new AssertionError("every driver validates; provide invalidConfig"));
        TaskConfig task = task(invalid.config(), Map.of(), List.of());
        List<ValidationProblem> problems = driver.validate(task);
        assertThat(problems).extracting(ValidationProblem::field).containsAll(invalid.expectedFields());
        assertThat(problems).allSatisfy(p -> assertThat(p.problem()).isNotBlank());
        // a prestart that wrongly succeeds is still cleaned up
        assertThatThrownBy(() -> prestartTracked(task)).isInstanceOfSatisfying(ValidationException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
            invalid.expectedFields().forEach(field -> assertThat(e.getMessage()).contains(field));
        });
    }

    // ---- helpers for subclasses' own tests ----

    /** The driver of the current test. */
    protected final Driver driver() {
        return driver;
    }

    /** A new driver from the factory, on the same data directory; closed after the test. */
    protected final Driver newDriver() {
        Driver created = factory().create(new DriverContext(driverOptions(), dataDir));
        drivers.add(created);
        return created;
    }

    /** A task with {@code config}, its own directories, extra env and ports; env carries the leftover marker. */
    protected final TaskConfig task(Map<String, Object> config, Map<String, String> extraEnv, List<Port> ports) {
        TaskId id = new TaskId(UUID.randomUUID().toString().substring(0, 8), "tck", "group", 0, "task");
        TaskDirs dirs = TaskDirs.standard(tempDir.resolve("allocs").resolve(id.allocId()), "task");
        try {
            Files.createDirectories(dirs.allocDir());
            Files.createDirectories(dirs.localDir());
            Files.createDirectories(dirs.secretsDir());
            Files.createDirectories(dirs.logsDir());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Resources resources = new Resources(Resources.DEFAULT_CPU_MHZ, Resources.DEFAULT_MEMORY_MB, ports);
        Map<String, String> taskEnv = new java.util.LinkedHashMap<>(extraEnv);
        taskEnv.put(RUN_MARKER, runId);
        TaskConfig bare = new TaskConfig(
                id,
                config,
                Map.of(),
                resources,
                dirs,
                null,
                TaskConfig.DEFAULT_KILL_TIMEOUT,
                TaskConfig.DEFAULT_KILL_SIGNAL);
        Map<String, String> env = TaskEnvironment.builder(id)
                .dirs(dirs)
                .resources(resources)
                .taskEnv(taskEnv)
                .build();
        return bare.withEnv(env);
    }

    /** Prestarts and starts {@code config} as a new task; stopped and cleaned up after the test. */
    protected final TaskHandle start(Map<String, Object> config) {
        return start(task(config, Map.of(), List.of()));
    }

    /** Prestarts and starts {@code task}; stopped and cleaned up after the test. */
    protected final TaskHandle start(TaskConfig task) {
        return startTracked(task).handle;
    }

    /** Waits for the task to end, at most {@link #exitTimeout()}. */
    protected final ExitResult awaitExit(TaskHandle handle) throws Exception {
        return handle.exitFuture().get(exitTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The value of a fixture, or aborts the test as not applicable to this driver. */
    protected static <T> T fixture(Optional<T> value) {
        Assumptions.assumeTrue(value.isPresent(), "this driver cannot express the fixture; not applicable");
        return value.get();
    }

    /** Prestarts {@code task}; what prestart created is cleaned up after the test. */
    private PrestartResult prestartTracked(TaskConfig task) {
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        started.add(new Started(task, null, prestart.created()));
        return prestart;
    }

    private Running startTracked(TaskConfig task) {
        PrestartResult prestart = prestartTracked(task);
        int index = started.size() - 1;
        TaskConfig withPorts = task.withEnv(TaskEnvironment.builder(task.id())
                .taskEnv(task.env())
                .dirs(task.dirs())
                .resources(task.resources())
                .portMap(prestart.portMap())
                .overrides(prestart.envOverrides())
                .build());
        started.set(index, new Started(withPorts, null, prestart.created()));
        StartResult result = driver.start(withPorts, EventEmitter.NONE);
        CreatedResources created = prestart.created().merge(result.created());
        started.set(index, new Started(withPorts, result.handle(), created));
        return new Running(index, withPorts, result.handle(), created);
    }

    private void awaitFile(String name) {
        Path file = started.get(started.size() - 1).task.dirs().allocDir().resolve(name);
        await("task ready (" + file + ")")
                .atMost(exitTimeout())
                .pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(file));
    }

    /** A prestarted task, its handle once started, and what prestart and start created. */
    /** A started task and where it is tracked. */
    private record Running(int index, TaskConfig task, TaskHandle handle, CreatedResources created) {}

    private record Started(TaskConfig task, @Nullable TaskHandle handle, CreatedResources created) {}
}
