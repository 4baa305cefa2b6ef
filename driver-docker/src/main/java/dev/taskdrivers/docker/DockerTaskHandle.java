package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskStats;
import dev.taskdrivers.docker.internal.ContainerLogCollector;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Controls one task's container. */
final class DockerTaskHandle implements TaskHandle {
    static final int STATE_VERSION = 1;
    static final String CONTAINER_ID = "container_id";
    static final String CONTAINER_NAME = "container_name";
    static final String IMAGE = "image";

    private static final Logger LOG = LoggerFactory.getLogger(DockerTaskHandle.class);
    /** An exit waits for the container's last output as long as the engine hands some over within this. */
    private static final Duration LOG_DRAIN_IDLE = Duration.ofSeconds(10);

    private final DockerClient docker;
    private final ContainerWatcher watcher;
    private final ScheduledExecutorService scheduler;
    private final ExecRunner exec;
    private final StatsSampler stats;
    private final String containerId;
    private final String containerName;
    private final String image;
    private final boolean removeOnStop;
    private final RemovedContainers removed;
    private final CompletableFuture<ExitResult> exit;
    /** The engine's exit, once the container's output is in the log files (or after a bounded wait for it). */
    private final CompletableFuture<ExitResult> exitWithLogs;

    private final @Nullable ContainerLogCollector logs;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicReference<CompletableFuture<ExitResult>> stopping =
            new java.util.concurrent.atomic.AtomicReference<>();

    DockerTaskHandle(
            DockerClient docker,
            ContainerWatcher watcher,
            ScheduledExecutorService scheduler,
            ExecRunner exec,
            String containerId,
            String containerName,
            String image,
            boolean removeOnStop,
            RemovedContainers removed,
            CompletableFuture<ExitResult> exit,
            @Nullable ContainerLogCollector logs) {
        this.docker = docker;
        this.watcher = watcher;
        this.scheduler = scheduler;
        this.exec = exec;
        this.containerId = containerId;
        this.containerName = containerName;
        this.image = image;
        this.removeOnStop = removeOnStop;
        this.removed = removed;
        this.stats = new StatsSampler(docker, containerId);
        this.exit = exit;
        this.logs = logs;
        this.exitWithLogs = logs == null
                ? exit
                : exit.thenCompose(
                        result -> logs.drained(LOG_DRAIN_IDLE, scheduler).thenApply(done -> result));
    }

    String containerId() {
        return containerId;
    }

    @Override
    public HandleState state() {
        return new HandleState(
                "docker",
                STATE_VERSION,
                Map.of(CONTAINER_ID, containerId, CONTAINER_NAME, containerName, IMAGE, image));
    }

    @Override
    public CompletableFuture<ExitResult> exitFuture() {
        return exitWithLogs;
    }

    /** Sends {@code signal}, then SIGKILL when the container outlives {@code timeout}; removes it once it exited. */
    @Override
    public CompletableFuture<ExitResult> stop(Duration timeout, String signal) {
        CompletableFuture<ExitResult> earlier = stopping.get();
        if (earlier != null && (earlier.isDone() || exit.isDone())) {
            return earlier; // stopping again: the same outcome
        }
        if (!exit.isDone()) {
            kill(signal);
            scheduler.schedule(
                    () -> {
                        if (!exit.isDone()) {
                            LOG.info("container {} outlived its kill timeout {}; killing it", containerName, timeout);
                            kill("SIGKILL");
                        }
                    },
                    timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        if (!removeOnStop) {
            return exitWithLogs;
        }
        if (earlier != null) {
            return earlier;
        }
        CompletableFuture<ExitResult> stopped = exitWithLogs
                .thenApplyAsync(
                        result -> {
                            ContainerRemover.remove(docker, containerId);
                            removed.removed(containerId); // removed now or before: cleanup need not ask again
                            return result;
                        },
                        scheduler)
                .handle((result, error) -> {
                    if (error != null) {
                        // the task did stop; the container is removed again at cleanup
                        LOG.warn("container {} stopped but not removed: {}", containerName, error.getMessage());
                    }
                    return exit.join();
                });
        CompletableFuture<ExitResult> raced = stopping.compareAndExchange(null, stopped);
        return raced == null ? stopped : raced; // another stop got there first: its outcome
    }

    private void kill(String signal) {
        try {
            docker.killContainerCmd(containerId).withSignal(signal).exec();
        } catch (RuntimeException e) {
            // 409: not running any more; 404: gone. Both mean there is nothing left to stop.
            if (!EngineErrors.isConflict(e) && !EngineErrors.isNotFound(e)) {
                throw EngineErrors.translate("send " + signal + " to container " + containerName, e);
            }
        }
    }

    @Override
    public void signal(String signal) {
        try {
            docker.killContainerCmd(containerId).withSignal(signal).exec();
        } catch (RuntimeException e) {
            throw EngineErrors.translate("send " + signal + " to container " + containerName, e);
        }
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        return exec.run(containerId, request);
    }

    @Override
    public TaskStats stats() {
        if (exit.isDone()) {
            throw new DriverException(
                    dev.taskdrivers.api.ErrorCode.NOT_FOUND, false, "container " + containerName + " is not running");
        }
        return stats.sample();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            watcher.unwatch(containerId);
            if (logs != null) {
                logs.close(); // saves its position for the runner that takes the container over
            }
        }
    }

    @Override
    public String toString() {
        return "DockerTaskHandle[" + containerName + " " + containerId.substring(0, Math.min(12, containerId.length()))
                + "]";
    }
}
