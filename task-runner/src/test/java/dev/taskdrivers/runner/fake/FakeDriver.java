package dev.taskdrivers.runner.fake;

import dev.taskdrivers.api.Capabilities;
import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskStats;
import dev.taskdrivers.api.ValidationProblem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory driver for unit tests of the runner's logic. Config: {@code exit_code} (default 0), {@code run_ms}
 * (default 0; -1 runs until stopped), {@code ignore_term} (the kill signal is ignored, so stop must force),
 * {@code fail_start} ("fatal" or "recoverable"), {@code cleanup_failures} (recoverable cleanup errors before success),
 * {@code prestart_gated} (prestart waits until {@link #prestartGate} opens, like a long image pull),
 * {@code start_gated} (start waits until {@link #startGate} opens).
 */
public final class FakeDriver implements Driver {
    public static final String NAME = "fake";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-driver");
        t.setDaemon(true);
        return t;
    });
    public final Map<String, FakeHandle> running = new ConcurrentHashMap<>();
    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final Map<String, Map<String, String>> startedEnv = new ConcurrentHashMap<>();
    /** The task config of each task's latest start, by task name. */
    public final Map<String, TaskConfig> startedConfigs = new ConcurrentHashMap<>();
    /** The task config of the latest start in each allocation, by allocation id. */
    public final Map<String, TaskConfig> startedConfigsByAlloc = new ConcurrentHashMap<>();

    public final AtomicInteger cleanupCalls = new AtomicInteger();
    /** The task config of the latest {@link #validate} call. */
    public volatile TaskConfig lastValidated;
    /** How many task configs were checked. */
    public final AtomicInteger validations = new AtomicInteger();

    public final CountDownLatch prestartGate = new CountDownLatch(1);
    public final CountDownLatch startGate = new CountDownLatch(1);
    private final AtomicInteger cleanupFailuresLeft = new AtomicInteger(-1);
    private final boolean signals;
    private final boolean containerPaths;
    private final boolean volumeMounts;

    public FakeDriver() {
        this(true);
    }

    /** A driver that can or cannot send signals (a VM driver cannot: it stops its own way). */
    public FakeDriver(boolean signals) {
        this(signals, false);
    }

    private FakeDriver(boolean signals, boolean containerPaths) {
        this(signals, containerPaths, false);
    }

    private FakeDriver(boolean signals, boolean containerPaths, boolean volumeMounts) {
        this.signals = signals;
        this.containerPaths = containerPaths;
        this.volumeMounts = volumeMounts;
    }

    /** A driver with container paths whose capabilities say it mounts volumes. */
    public static FakeDriver mountingVolumes() {
        return new FakeDriver(true, true, true);
    }

    /** A driver whose tasks see their directories at /alloc, /local and /secrets, as docker's and exec's do. */
    public static FakeDriver withContainerPaths() {
        return new FakeDriver(true, true);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities capabilities() {
        Capabilities.Builder b = Capabilities.builder()
                .signals(signals)
                .fsIsolation(Capabilities.FsIsolation.NONE)
                .volumeMounts(volumeMounts);
        if (containerPaths) {
            b.dirsInsideTask("/alloc", "/local", "/secrets");
        }
        return b.build();
    }

    @Override
    public Fingerprint fingerprint() {
        return Fingerprint.healthy("fake driver", Map.of("driver.fake.version", "1"));
    }

    @Override
    public List<ValidationProblem> validate(TaskConfig task) {
        lastValidated = task;
        validations.incrementAndGet();
        ConfigReader r = reader(task);
        // like qemu and docker: a mapped label must be one of the ports granted to the task
        r.portMap("port_map").keySet().stream()
                .filter(label -> task.resources().port(label).isEmpty())
                .forEach(label -> r.problem("port_map." + label, "no port labelled \"" + label + "\" is granted"));
        return r.problems();
    }

    /** A {@code needs_file} that does not exist here: as an absolute raw_exec command this node lacks. */
    @Override
    public List<ValidationProblem> nodeProblems(TaskConfig task) {
        Object needs = task.driverConfig().get("needs_file");
        if (needs instanceof String path && !java.nio.file.Files.exists(java.nio.file.Path.of(path))) {
            return List.of(new ValidationProblem("config.needs_file", path + " does not exist on this node"));
        }
        return List.of();
    }

    private static ConfigReader reader(TaskConfig task) {
        ConfigReader r = new ConfigReader(task.driverConfig(), "config");
        r.integer("exit_code", 0, 0, 255);
        r.integer("run_ms", 0, -1, 600_000);
        r.bool("ignore_term", false);
        String failStart = r.string("fail_start", null);
        if (failStart != null && !List.of("fatal", "recoverable").contains(failStart)) {
            r.problem("fail_start", "must be fatal or recoverable");
        }
        r.integer("cleanup_failures", 0, 0, 10);
        r.bool("prestart_gated", false);
        r.bool("start_gated", false);
        r.string("password", null);
        r.string("needs_file", null);
        return r;
    }

    @Override
    public PrestartResult prestart(TaskConfig task, EventEmitter events) {
        calls.add("prestart " + task.id().taskName());
        if (reader(task).bool("prestart_gated", false)) {
            try {
                prestartGate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw DriverException.recoverable(ErrorCode.EXTERNAL, "fake prestart interrupted", e);
            }
        }
        events.driverEvent("fake prestart", Map.of());
        return PrestartResult.of(CreatedResources.empty().with("fake", task.id().key()));
    }

    @Override
    public StartResult start(TaskConfig task, EventEmitter events) {
        calls.add("start " + task.id().taskName());
        ConfigReader r = reader(task);
        if (r.bool("start_gated", false)) {
            try {
                startGate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw DriverException.recoverable(ErrorCode.EXTERNAL, "fake start interrupted", e);
            }
        }
        String fail = r.string("fail_start", null);
        if ("fatal".equals(fail)) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, "fake start refused");
        }
        if ("recoverable".equals(fail)) {
            throw DriverException.recoverable(ErrorCode.EXTERNAL, "fake engine unavailable", null);
        }
        int failures = (int) r.integer("cleanup_failures", 0, 0, 10);
        cleanupFailuresLeft.compareAndSet(-1, failures);
        startedEnv.put(task.id().taskName(), task.env());
        startedConfigs.put(task.id().taskName(), task);
        startedConfigsByAlloc.put(task.id().allocId(), task);
        FakeHandle h =
                new FakeHandle(task.id().key(), (int) r.integer("exit_code", 0, 0, 255), r.bool("ignore_term", false));
        long runMs = r.integer("run_ms", 0, -1, 600_000);
        if (runMs >= 0) {
            timer.schedule(() -> h.exit.complete(ExitResult.exited(h.exitCode)), runMs, TimeUnit.MILLISECONDS);
        }
        running.put(task.id().key(), h);
        return StartResult.of(h);
    }

    @Override
    public TaskHandle recover(TaskConfig task, HandleState state, EventEmitter events) {
        FakeHandle h = running.get(state.require("key"));
        if (h == null) {
            throw DriverException.fatal(ErrorCode.NOT_FOUND, "no fake task " + state.require("key"));
        }
        return h;
    }

    /** The task's running handle, known by its task id as a driver that labels its tasks knows them. */
    @Override
    public Optional<TaskHandle> findUnrecorded(TaskConfig task, EventEmitter events) {
        calls.add("findUnrecorded " + task.id().taskName());
        return Optional.ofNullable(running.get(task.id().key()))
                .filter(h -> !h.exit.isDone())
                .map(h -> h);
    }

    @Override
    public void cleanup(TaskConfig task, CreatedResources resources) {
        cleanupCalls.incrementAndGet();
        if (cleanupFailuresLeft.get() > 0 && cleanupFailuresLeft.getAndDecrement() > 0) {
            throw DriverException.recoverable(ErrorCode.EXTERNAL, "fake cleanup busy", null);
        }
        calls.add("cleanup " + task.id().taskName());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** A fake running task. */
    public final class FakeHandle implements TaskHandle {
        final String key;
        final int exitCode;
        final boolean ignoreTerm;
        public final CompletableFuture<ExitResult> exit = new CompletableFuture<>();
        /** Whether the runner let go of this handle. */
        public volatile boolean closed;

        FakeHandle(String key, int exitCode, boolean ignoreTerm) {
            this.key = key;
            this.exitCode = exitCode;
            this.ignoreTerm = ignoreTerm;
        }

        @Override
        public HandleState state() {
            return new HandleState(NAME, 1, Map.of("key", key));
        }

        @Override
        public CompletableFuture<ExitResult> exitFuture() {
            return exit;
        }

        @Override
        public CompletableFuture<ExitResult> stop(Duration timeout, String signal) {
            if (ignoreTerm) {
                timer.schedule(() -> exit.complete(ExitResult.signaled(9)), timeout.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                exit.complete(signals ? ExitResult.signaled(15) : ExitResult.exited(0));
            }
            return exit;
        }

        @Override
        public void signal(String signal) {}

        @Override
        public ExecResult exec(ExecRequest request) {
            throw DriverException.fatal(ErrorCode.UNSUPPORTED, "no exec");
        }

        @Override
        public TaskStats stats() {
            return TaskStats.nothingUsed();
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
