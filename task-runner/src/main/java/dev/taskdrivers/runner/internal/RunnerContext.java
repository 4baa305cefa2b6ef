package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.RunnerListener;
import dev.taskdrivers.runner.RunnerObserver;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TemplateOptions;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.internal.artifact.ArtifactFetcher;
import dev.taskdrivers.runner.internal.catalog.NomadServiceCatalog;
import dev.taskdrivers.runner.internal.interpolation.NodeVariables;
import dev.taskdrivers.runner.internal.state.StateStore;
import dev.taskdrivers.runner.internal.template.TemplateWatches;
import dev.taskdrivers.services.ServiceRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every task supervisor of one runner shares: drivers, state, registry, ports, cores, listeners and the two
 * thread pools (a bounded one for blocking driver calls, a scheduler for delays).
 *
 * @param drivers the drivers
 * @param store the state files
 * @param registry where services are advertised
 * @param ports the port allocator
 * @param cores the cores tasks hold
 * @param blocking runs driver calls and state writes
 * @param scheduler runs delays (restarts, cleanup retries)
 * @param allocRoot parent of allocation directories
 * @param spares directory trees ready for new allocations
 * @param hostIp the address of host ports
 * @param cleanupRetryDelays waits between cleanup attempts of recoverable errors
 * @param listeners live event listeners
 * @param node the node's values for {@code ${attr.*}}, {@code ${node.*}} and {@code ${meta.*}}
 * @param templates the watches every task's templates share
 * @param templateOptions the operator's default template wait and its bounds
 * @param artifacts fetches tasks' artifacts
 * @param nomadCatalog the services registered with {@code provider = "nomad"}
 */
public record RunnerContext(
        DriverRegistry drivers,
        StateStore store,
        ServiceRegistry registry,
        PortAllocator ports,
        CoreReservations cores,
        ExecutorService blocking,
        ScheduledExecutorService scheduler,
        Path allocRoot,
        SpareAllocationTrees spares,
        String hostIp,
        List<Duration> cleanupRetryDelays,
        CopyOnWriteArrayList<RunnerListener> listeners,
        NodeVariables node,
        TemplateWatches templates,
        TemplateOptions templateOptions,

        ArtifactFetcher artifacts,
        NomadServiceCatalog nomadCatalog) {
    private static final Logger LOG = LoggerFactory.getLogger(RunnerContext.class);

    void publish(TaskId id, String driver, TaskEvent event) {
        for (RunnerListener l : listeners) {
            try {
                l.onEvent(id, event);
                if (l instanceof RunnerObserver o) {
                    o.onTaskEvent(id, driver, event);
                }
            } catch (RuntimeException e) {
                LOG.warn("event listener {} failed: {}", l, e.toString());
            }
        }
    }

    void publishStartTimed(TaskId id, String driver, Duration took, boolean started) {
        for (RunnerListener l : listeners) {
            if (l instanceof RunnerObserver o) {
                try {
                    o.onTaskStartTimed(id, driver, took, started);
                } catch (RuntimeException e) {
                    LOG.warn("runner observer {} failed: {}", l, e.toString());
                }
            }
        }
    }

    void publishFinished(AllocationStatus status) {
        for (RunnerListener l : listeners) {
            try {
                l.onAllocationFinished(status);
            } catch (RuntimeException e) {
                LOG.warn("event listener {} failed: {}", l, e.toString());
            }
        }
    }
}
