package dev.taskdrivers.qemu.internal;

import dev.taskdrivers.api.DriverEvent;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskStats;
import dev.taskdrivers.hostprocess.DetachedLauncher;
import dev.taskdrivers.hostprocess.LogRotator;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import dev.taskdrivers.hostprocess.UsageSampler;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controls one running VM: stop (gracefully through the monitor when asked), stats and its exit. A stop is told as
 * driver events: what the driver did, then how the VM ended, before the exit completes.
 */
final class QemuTaskHandle implements TaskHandle {
    static final int STATE_VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(QemuTaskHandle.class);
    /** How long the status file may lag behind the process's end (the wrapper writes it right after). */
    private static final Duration STATUS_GRACE = Duration.ofSeconds(3);
    /** The longest a stop waits for the guest agent to answer before it falls back. */
    private static final Duration AGENT_SYNC_LIMIT = Duration.ofSeconds(5);

    private final String name;
    private final ProcessIdentity qemu;
    private final TaskFiles files;
    private final boolean graceful;
    private final boolean guestAgent;
    private final EventEmitter events;
    private final CompletableFuture<ExitResult> exit;
    private final UsageSampler sampler;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile boolean terminated;
    /** Held while a stop begins, so the VM's end is never told before what the driver did to end it. */
    private final Object stopLock = new Object();

    private @Nullable VmStop stop;

    private QemuTaskHandle(
            String name,
            ProcessIdentity qemu,
            TaskFiles files,
            boolean graceful,
            boolean guestAgent,
            EventEmitter events,
            CompletableFuture<?> ended,
            LogRotator.Watch logs) {
        this.name = name;
        this.qemu = qemu;
        this.files = files;
        this.graceful = graceful;
        this.guestAgent = guestAgent;
        this.events = events;
        this.sampler = UsageSampler.ofProcess(qemu);
        this.exit = ended.handleAsync((ignored, error) -> {
            VmStop stopped;
            synchronized (stopLock) {
                stopped = stop; // a stop under way finishes first: its SIGTERM decides what exit code 0 means
            }
            ExitResult result = exitResult();
            logs.close(); // the console logs are final before the end is told
            if (stopped != null) {
                emit(stopped.ended(result));
            }
            return result;
        });
    }

    /** A handle on a VM this JVM started: its end is seen when the launcher (our child) exits. */
    static QemuTaskHandle started(
            String name,
            Process launcher,
            ProcessIdentity qemu,
            TaskFiles files,
            boolean graceful,
            boolean guestAgent,
            EventEmitter events,
            LogRotator.Watch logs) {
        return new QemuTaskHandle(name, qemu, files, graceful, guestAgent, events, launcher.onExit(), logs);
    }

    /** A handle on a VM an earlier runner started: its end is seen by watching the pid. */
    static QemuTaskHandle recovered(
            String name,
            ProcessIdentity qemu,
            TaskFiles files,
            boolean graceful,
            boolean guestAgent,
            EventEmitter events,
            LogRotator.Watch logs) {
        CompletableFuture<?> ended = ProcessHandle.of(qemu.pid())
                .<CompletableFuture<?>>map(ProcessHandle::onExit)
                .orElse(CompletableFuture.completedFuture(null));
        return new QemuTaskHandle(name, qemu, files, graceful, guestAgent, events, ended, logs);
    }

    @Override
    public HandleState state() {
        return new HandleState(
                QemuDriver.NAME,
                STATE_VERSION,
                Map.of(
                        "pid", Long.toString(qemu.pid()),
                        "start_ticks", Long.toString(qemu.startTicks()),
                        "dir", files.dir().toString(),
                        "graceful_shutdown", Boolean.toString(graceful),
                        "guest_agent", Boolean.toString(guestAgent)));
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
        long begin = System.nanoTime();
        VmStop current;
        synchronized (stopLock) {
            if (!qemu.isRunning()) {
                return exit; // it ended by itself; its exit tells how
            }
            if (!guestAgent) {
                current = fallBack(timeout, null);
            } else {
                String agentRefusal = askGuestAgent(timeout);
                // the events tell the time left to whole seconds; the kill still comes at the kill timeout
                Duration told = roundToSeconds(remaining(timeout, begin));
                if (agentRefusal == null) {
                    current = new VmStop(VmStop.Method.GUEST_AGENT, told);
                    stop = current;
                    emit(current.begun(null));
                } else {
                    current = fallBack(told, agentRefusal);
                }
            }
        }
        CompletableFuture.delayedExecutor(remaining(timeout, begin).toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> {
                    if (!exit.isDone()) {
                        LOG.warn("{}: still running after {}, killing it", name, timeout);
                        current.killed();
                        qemu.kill(true);
                    }
                });
        return exit;
    }

    /** The stop without the guest agent: the power button when graceful and the monitor takes it, else SIGTERM. */
    private VmStop fallBack(Duration wait, @Nullable String agentRefusal) {
        String whyNotButton = graceful ? pressPowerButton() : null;
        VmStop current;
        if (graceful && whyNotButton == null) {
            current = new VmStop(VmStop.Method.POWER_BUTTON, wait, agentRefusal);
            LOG.info("{}: sent system_powerdown, waiting up to {} for the guest to power off", name, wait);
        } else {
            // Without a graceful shutdown qemu is told to quit, which it does at once.
            current = new VmStop(VmStop.Method.QUIT_SIGNAL, wait, agentRefusal);
            terminated = qemu.kill(false);
        }
        stop = current;
        emit(current.begun(whyNotButton));
        return current;
    }

    /**
     * Asks the guest agent to shut the guest down; null when it took the request, else why not. It gets at most half
     * the kill timeout to answer, so a fallback keeps time to work.
     */
    private @Nullable String askGuestAgent(Duration timeout) {
        Duration syncTimeout =
                timeout.dividedBy(2).compareTo(AGENT_SYNC_LIMIT) < 0 ? timeout.dividedBy(2) : AGENT_SYNC_LIMIT;
        try {
            GuestAgent.requestShutdown(files.agentSocket(), syncTimeout);
            LOG.info("{}: asked the guest agent to shut down, waiting up to {}", name, timeout);
            return null;
        } catch (IOException e) {
            LOG.warn(
                    "{}: guest agent at {} did not take guest-shutdown ({})",
                    name,
                    files.agentSocket(),
                    e.getMessage());
            return e.getMessage();
        }
    }

    private static Duration roundToSeconds(Duration d) {
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? d : Duration.ofSeconds(Math.round(d.toMillis() / 1000.0));
    }

    private static Duration remaining(Duration timeout, long beginNanos) {
        Duration left = timeout.minusNanos(System.nanoTime() - beginNanos);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Writes system_powerdown to the monitor; null when it took it, else why not. */
    private @Nullable String pressPowerButton() {
        try {
            Monitor.send(files.monitorSocket(), "system_powerdown", Duration.ofSeconds(2));
            return null;
        } catch (IOException e) {
            LOG.warn(
                    "{}: monitor at {} did not take system_powerdown ({}); stopping qemu instead",
                    name,
                    files.monitorSocket(),
                    e.getMessage());
            return e.getMessage();
        }
    }

    /** An event that cannot be delivered must not fail the stop or the exit. */
    private void emit(DriverEvent event) {
        try {
            events.emit(event);
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot emit \"{}\": {}", name, event.message(), e.toString());
        }
    }

    @Override
    public void signal(String signal) {
        throw DriverException.fatal(ErrorCode.UNSUPPORTED, "the qemu driver cannot send signals to a VM");
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        throw DriverException.fatal(ErrorCode.UNSUPPORTED, "the qemu driver cannot run commands inside a VM");
    }

    @Override
    public TaskStats stats() {
        return sampler.sample().toTaskStats();
    }

    @Override
    public void close() {
        // Nothing is held in this process: the VM and its files belong to the task until cleanup.
    }

    private ExitResult exitResult() {
        long deadline = System.nanoTime() + STATUS_GRACE.toNanos();
        Optional<Integer> status = DetachedLauncher.readStatus(files.statusFile());
        while (status.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            status = DetachedLauncher.readStatus(files.statusFile());
        }
        if (status.isEmpty()) {
            return ExitResult.failed("qemu ended but its exit status was not recorded in " + files.statusFile());
        }
        int code = status.get();
        if (code == 0 && terminated) {
            // qemu exits 0 when it handles SIGTERM; the VM was still ended by the signal, not by its guest.
            return ExitResult.signaled(15);
        }
        // A shell reports death by signal N as 128 + N.
        return code > 128 && code < 128 + 65 ? ExitResult.signaled(code - 128) : ExitResult.exited(code);
    }
}
