package dev.taskdrivers.rkt.internal;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskStats;
import dev.taskdrivers.hostprocess.LogRotator;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import dev.taskdrivers.hostprocess.UsageSampler;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Controls one pod by its UUID: exec through {@code rkt enter}, stop through {@code rkt stop}. */
final class RktTaskHandle implements TaskHandle {
    static final int STATE_VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(RktTaskHandle.class);
    private static final Duration RECOVERED_POLL = Duration.ofSeconds(1);

    private final String name;
    private final String uuid;
    private final RktCli rkt;
    private final ScheduledExecutorService scheduler;
    private final CompletableFuture<ExitResult> exit = new CompletableFuture<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile @Nullable Process runner;
    private volatile @Nullable ScheduledFuture<?> poll;
    /** Samples the pod's main process once {@code rkt status} named it. */
    private volatile @Nullable UsageSampler usage;

    /** The rotation of the pod's logs, ended before the exit is told so the task's log files are final by then. */
    private final LogRotator.Watch logs;

    private RktTaskHandle(
            String name, String uuid, RktCli rkt, ScheduledExecutorService scheduler, LogRotator.Watch logs) {
        this.name = name;
        this.uuid = uuid;
        this.rkt = rkt;
        this.scheduler = scheduler;
        this.logs = logs;
    }

    /** A pod whose {@code rkt run-prepared} is our child: its exit code is the app's. */
    static RktTaskHandle started(
            String name,
            String uuid,
            RktCli rkt,
            ScheduledExecutorService scheduler,
            Process runner,
            LogRotator.Watch logs) {
        RktTaskHandle h = new RktTaskHandle(name, uuid, rkt, scheduler, logs);
        h.runner = runner;
        runner.onExit().thenAccept(p -> h.end(fromExitCode(p.exitValue())));
        return h;
    }

    /** A pod an earlier runner started: its end is learnt by polling {@code rkt status}. */
    static RktTaskHandle recovered(
            String name, String uuid, RktCli rkt, ScheduledExecutorService scheduler, LogRotator.Watch logs) {
        RktTaskHandle h = new RktTaskHandle(name, uuid, rkt, scheduler, logs);
        ScheduledFuture<?> poll =
                scheduler.scheduleWithFixedDelay(h::checkExited, 0, RECOVERED_POLL.toMillis(), TimeUnit.MILLISECONDS);
        h.poll = poll;
        h.exit.whenComplete((r, e) -> poll.cancel(false));
        return h;
    }

    String uuid() {
        return uuid;
    }

    boolean runnerAlive() {
        Process p = runner;
        return p == null ? !exit.isDone() : p.isAlive();
    }

    private void checkExited() {
        try {
            Optional<String> text = rkt.statusText(uuid);
            if (text.isEmpty()) {
                end(ExitResult.failed("pod " + uuid + " was removed"));
            } else if (text.get().lines().anyMatch(l -> l.equals("state=exited") || l.equals("exited=true"))) {
                OptionalInt code = PodStatus.exitCode(text.get());
                end(
                        code.isPresent()
                                ? fromExitCode(code.getAsInt())
                                : ExitResult.failed("pod " + uuid + " exited without an app exit code"));
            }
        } catch (DriverException e) {
            LOG.warn("{}: cannot read the status of pod {}: {}", name, uuid, e.getMessage());
        }
    }

    private void end(ExitResult result) {
        if (!exit.isDone()) {
            logs.close();
            exit.complete(result);
        }
    }

    @Override
    public HandleState state() {
        return new HandleState(RktDriver.NAME, STATE_VERSION, Map.of("uuid", uuid));
    }

    @Override
    public CompletableFuture<ExitResult> exitFuture() {
        return exit;
    }

    @Override
    public CompletableFuture<ExitResult> stop(Duration timeout, String signal) {
        if (exit.isDone() || !stopping.compareAndSet(false, true)) {
            return exit;
        }
        try {
            rkt.stop(uuid, false);
        } catch (DriverException e) {
            LOG.warn("{}: rkt stop {} failed ({}), forcing it", name, uuid, e.getMessage());
        }
        scheduler.schedule(
                () -> {
                    if (!exit.isDone()) {
                        LOG.warn("{}: pod {} still running after {}, forcing it", name, uuid, timeout);
                        try {
                            rkt.stop(uuid, true);
                        } catch (DriverException e) {
                            LOG.warn("{}: rkt stop --force {} failed: {}", name, uuid, e.getMessage());
                        }
                        Process p = runner;
                        if (p != null) {
                            p.destroyForcibly();
                        }
                    }
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        return exit;
    }

    @Override
    public void signal(String signal) {
        throw DriverException.fatal(ErrorCode.UNSUPPORTED, "the rkt driver cannot send signals to a pod");
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        return rkt.enter(uuid, request.argv(), request.timeout(), request.outputLimitBytes())
                .toExecResult();
    }

    @Override
    public TaskStats stats() {
        UsageSampler sampler = usage;
        if (sampler == null) {
            long pid = rkt.statusText(uuid).stream()
                    .mapToLong(t -> PodPid.parse(t).orElse(0))
                    .findFirst()
                    .orElse(0);
            if (pid <= 0) {
                return TaskStats.nothingUsed();
            }
            sampler = UsageSampler.ofProcess(ProcessIdentity.of(pid));
            usage = sampler;
        }
        return sampler.sample().toTaskStats();
    }

    @Override
    public void close() {
        ScheduledFuture<?> f = poll;
        if (f != null) {
            f.cancel(false);
        }
    }

    /** rkt exits with the app's code; a shell-style 128+N means the app died of signal N. */
    static ExitResult fromExitCode(int code) {
        return code > 128 && code < 128 + 65 ? ExitResult.signaled(code - 128) : ExitResult.exited(code);
    }
}
