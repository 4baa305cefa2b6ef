package dev.taskdrivers.tck;

import dev.taskdrivers.api.Capabilities;
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
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskStats;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A driver that runs nothing but keeps a ledger of what its prestarts and starts created and its cleanups removed,
 * to check that the contract tests clean up after themselves. Its tasks are config maps: {@code exit = N} ends at
 * once with N; {@code env_name}, {@code env_value} end with 0 when the task's variable has that value, else 1;
 * {@code run = true} runs until stopped. Operator options {@code fail_start} and {@code fail_stop} make starts throw
 * and stops fail, as a broken driver would.
 */
public final class RecordingDriverFactory implements DriverFactory {
    static final String NAME = "tck-recording";
    static final String PRESTARTED = "recording.prestarted";
    static final String STARTED = "recording.started";
    private static final Set<String> OPTIONS = Set.of("exit", "env_name", "env_value", "run");

    /** What prestarts and starts created that no cleanup has removed yet, as "kind task-key". */
    static final Set<String> OUTSTANDING = ConcurrentHashMap.newKeySet();

    static final AtomicInteger PRESTARTS = new AtomicInteger();
    static final AtomicInteger STARTS = new AtomicInteger();

    static void resetLedger() {
        OUTSTANDING.clear();
        PRESTARTS.set(0);
        STARTS.set(0);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int spiVersion() {
        return DriverApi.SPI_VERSION;
    }

    @Override
    public Driver create(DriverContext context) {
        return new RecordingDriver(
                Boolean.TRUE.equals(context.options().get("fail_start")),
                Boolean.TRUE.equals(context.options().get("fail_stop")));
    }

    private static final class RecordingDriver implements Driver {
        private final boolean failStart;
        private final boolean failStop;

        RecordingDriver(boolean failStart, boolean failStop) {
            this.failStart = failStart;
            this.failStop = failStop;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.builder()
                    .fsIsolation(Capabilities.FsIsolation.NONE)
                    .build();
        }

        @Override
        public Fingerprint fingerprint() {
            return Fingerprint.healthy("records what it is asked", Map.of());
        }

        @Override
        public List<ValidationProblem> validate(TaskConfig task) {
            List<ValidationProblem> problems = new ArrayList<>();
            for (String key : task.driverConfig().keySet()) {
                if (!OPTIONS.contains(key)) {
                    problems.add(new ValidationProblem("config." + key, "unknown option"));
                }
            }
            return problems;
        }

        @Override
        public PrestartResult prestart(TaskConfig task, EventEmitter events) {
            ValidationException.throwIfAny(validate(task));
            PRESTARTS.incrementAndGet();
            OUTSTANDING.add(PRESTARTED + " " + task.id().key());
            return PrestartResult.of(
                    CreatedResources.empty().with(PRESTARTED, task.id().key()));
        }

        @Override
        public StartResult start(TaskConfig task, EventEmitter events) {
            if (failStart) {
                throw DriverException.fatal(ErrorCode.INTERNAL, "this driver was told to fail its starts");
            }
            STARTS.incrementAndGet();
            OUTSTANDING.add(STARTED + " " + task.id().key());
            return StartResult.of(
                    new RecordingHandle(task, failStop),
                    CreatedResources.empty().with(STARTED, task.id().key()));
        }

        @Override
        public TaskHandle recover(TaskConfig task, HandleState state, EventEmitter events) {
            throw DriverException.fatal(ErrorCode.NOT_FOUND, "this driver's tasks end with it");
        }

        @Override
        public void cleanup(TaskConfig task, CreatedResources resources) {
            for (String kind : List.of(PRESTARTED, STARTED)) {
                resources.get(kind).forEach(key -> OUTSTANDING.remove(kind + " " + key));
            }
        }

        @Override
        public void close() {}
    }

    private static final class RecordingHandle implements TaskHandle {
        private final TaskConfig task;
        private final boolean failStop;
        private final CompletableFuture<ExitResult> exit = new CompletableFuture<>();

        RecordingHandle(TaskConfig task, boolean failStop) {
            this.task = task;
            this.failStop = failStop;
            Map<String, Object> config = task.driverConfig();
            if (config.get("exit") instanceof Number code) {
                exit.complete(ExitResult.exited(code.intValue()));
            } else if (config.get("env_name") instanceof String name) {
                boolean equal = Objects.equals(task.env().get(name), config.get("env_value"));
                exit.complete(ExitResult.exited(equal ? 0 : 1));
            }
        }

        @Override
        public HandleState state() {
            return new HandleState(NAME, 1, Map.of("task", task.id().key()));
        }

        @Override
        public CompletableFuture<ExitResult> exitFuture() {
            return exit;
        }

        @Override
        public CompletableFuture<ExitResult> stop(Duration timeout, String signal) {
            if (failStop) {
                return CompletableFuture.failedFuture(
                        DriverException.fatal(ErrorCode.INTERNAL, "this driver was told to fail its stops"));
            }
            exit.complete(ExitResult.signaled(15));
            return exit;
        }

        @Override
        public void signal(String signal) {
            throw DriverException.fatal(ErrorCode.UNSUPPORTED, "no signals");
        }

        @Override
        public ExecResult exec(ExecRequest request) {
            throw DriverException.fatal(ErrorCode.UNSUPPORTED, "no exec");
        }

        @Override
        public TaskStats stats() {
            return TaskStats.nothingUsed();
        }

        @Override
        public void close() {}
    }
}
