package dev.taskdrivers.runner.faults;

import dev.taskdrivers.api.Capabilities;
import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
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
import dev.taskdrivers.runner.fake.FakeDriver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A {@link FakeDriver} that throws what a test arms it with from one SPI call (driver or handle), the next time that
 * call is made for a task whose name starts with "faulty". Drivers are only allowed to throw DriverException; this
 * one throws anything, as a buggy third-party driver would.
 */
public final class FaultyDriver implements Driver {
    private final FakeDriver delegate;
    private final Map<SpiCall, Supplier<? extends Throwable>> armed = new ConcurrentHashMap<>();
    private final Map<SpiCall, Integer> remaining = new ConcurrentHashMap<>();

    public FaultyDriver(FakeDriver delegate) {
        this.delegate = delegate;
    }

    /** The next {@code call} for a faulty task throws what {@code fault} makes. */
    public void arm(SpiCall call, Supplier<? extends Throwable> fault) {
        arm(call, fault, 1);
    }

    /** The next {@code times} {@code call}s for a faulty task throw what {@code fault} makes. */
    public void arm(SpiCall call, Supplier<? extends Throwable> fault, int times) {
        remaining.put(call, times);
        armed.put(call, fault);
    }

    /** Whether the armed fault was thrown as many times as asked. */
    public boolean fired(SpiCall call) {
        return !armed.containsKey(call);
    }

    private void maybeThrow(SpiCall call, String taskName) {
        if (!taskName.startsWith("faulty")) {
            return;
        }
        Supplier<? extends Throwable> fault = armed.get(call);
        if (fault == null) {
            return;
        }
        if (remaining.merge(call, -1, Integer::sum) <= 0) {
            armed.remove(call);
        }
        sneakyThrow(fault.get());
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public Fingerprint fingerprint() {
        return delegate.fingerprint();
    }

    @Override
    public List<ValidationProblem> validate(TaskConfig task) {
        maybeThrow(SpiCall.VALIDATE, task.id().taskName());
        return delegate.validate(task);
    }

    @Override
    public PrestartResult prestart(TaskConfig task, EventEmitter events) {
        maybeThrow(SpiCall.PRESTART, task.id().taskName());
        return delegate.prestart(task, events);
    }

    @Override
    public StartResult start(TaskConfig task, EventEmitter events) {
        maybeThrow(SpiCall.START, task.id().taskName());
        StartResult result = delegate.start(task, events);
        return StartResult.of(new FaultyHandle(task.id().taskName(), result.handle()));
    }

    @Override
    public TaskHandle recover(TaskConfig task, HandleState state, EventEmitter events) {
        maybeThrow(SpiCall.RECOVER, task.id().taskName());
        return new FaultyHandle(task.id().taskName(), delegate.recover(task, state, events));
    }

    @Override
    public Optional<TaskHandle> findUnrecorded(TaskConfig task, EventEmitter events) {
        maybeThrow(SpiCall.FIND_UNRECORDED, task.id().taskName());
        return delegate.findUnrecorded(task, events)
                .map(h -> new FaultyHandle(task.id().taskName(), h));
    }

    @Override
    public void cleanup(TaskConfig task, CreatedResources resources) {
        maybeThrow(SpiCall.CLEANUP, task.id().taskName());
        delegate.cleanup(task, resources);
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** A handle whose calls may throw too. */
    private final class FaultyHandle implements TaskHandle {
        private final String taskName;
        private final TaskHandle handle;

        FaultyHandle(String taskName, TaskHandle handle) {
            this.taskName = taskName;
            this.handle = handle;
        }

        @Override
        public HandleState state() {
            maybeThrow(SpiCall.HANDLE_STATE, taskName);
            return handle.state();
        }

        @Override
        public CompletableFuture<ExitResult> exitFuture() {
            maybeThrow(SpiCall.EXIT_FUTURE, taskName);
            return handle.exitFuture();
        }

        @Override
        public CompletableFuture<ExitResult> stop(Duration timeout, String signal) {
            maybeThrow(SpiCall.STOP, taskName);
            return handle.stop(timeout, signal);
        }

        @Override
        public void signal(String signal) {
            maybeThrow(SpiCall.SIGNAL, taskName);
            handle.signal(signal);
        }

        @Override
        public ExecResult exec(ExecRequest request) {
            return handle.exec(request);
        }

        @Override
        public TaskStats stats() {
            return handle.stats();
        }

        @Override
        public void close() {
            maybeThrow(SpiCall.HANDLE_CLOSE, taskName);
            handle.close();
        }
    }
}
