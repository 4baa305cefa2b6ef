package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.GroupNetwork;
import dev.taskdrivers.api.GroupNetworkRequest;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network namespace an allocation's tasks share when their group is in {@code bridge} network mode: created by
 * the tasks' driver before the first task is prepared, joined by every task through the driver config entries the
 * driver names, and destroyed after the last task ended (stopped, failed or done). A restored allocation does not know
 * its group's network mode (the state keeps none); it asks its tasks' drivers for the network only when a task starts
 * again, and has them destroy it when it ends, so a recovery that merely reattaches costs no engine call.
 */
final class GroupNetworkLink {
    private static final Logger LOG = LoggerFactory.getLogger(GroupNetworkLink.class);

    private final RunnerContext ctx;
    private final String allocId;
    /** The drivers that may hold the network: the group's in bridge mode; after a restore, every one that could. */
    private final Set<String> drivers;
    /** Whether the network is known: created, found, or known not to be there. */
    private boolean known;

    private @Nullable GroupNetwork network;

    private GroupNetworkLink(RunnerContext ctx, String allocId, Set<String> drivers, boolean known) {
        this.ctx = ctx;
        this.allocId = allocId;
        this.drivers = drivers;
        this.known = known;
    }

    /** The link of a new allocation: no network in host mode, one to create in bridge mode. */
    static GroupNetworkLink forNew(RunnerContext ctx, String allocId, GroupSpec group) {
        Set<String> drivers = new LinkedHashSet<>();
        if (group.bridgeNetwork()) {
            drivers.add(group.tasks().get(0).driver()); // validation made it the one driver of the group
        }
        return new GroupNetworkLink(ctx, allocId, drivers, !group.bridgeNetwork());
    }

    /** The link of a restored allocation: any of its tasks' drivers that create group networks may hold one. */
    static GroupNetworkLink forRestored(RunnerContext ctx, String allocId, List<TaskSpec> tasks) {
        Set<String> drivers = new LinkedHashSet<>();
        for (TaskSpec t : tasks) {
            if (ctx.drivers().has(t.driver())) {
                try {
                    if (ctx.drivers().driver(t.driver()).createsGroupNetworks()) {
                        drivers.add(t.driver());
                    }
                } catch (RuntimeException e) {
                    LOG.debug("driver {} not asked about group networks: {}", t.driver(), e.getMessage());
                }
            }
        }
        return new GroupNetworkLink(ctx, allocId, drivers, drivers.isEmpty());
    }

    /** Whether the network is still to be created before the tasks are prepared. */
    synchronized boolean toCreate() {
        return !known;
    }

    /**
     * Creates the network for these tasks (their configs with granted ports).
     *
     * @throws dev.taskdrivers.api.DriverException when the driver cannot
     */
    void create(List<TaskConfig> tasks) {
        String name = drivers.iterator().next();
        GroupNetwork created = ctx.drivers().driver(name).createGroupNetwork(GroupNetworkRequest.of(allocId, tasks));
        LOG.info("allocation {}: group network {} created by the {} driver", allocId, created.id(), name);
        synchronized (this) {
            network = created;
            known = true;
        }
    }

    /** {@code task} as it runs in the group: joined to its network, when there is one. */
    TaskConfig joined(TaskConfig task) {
        Optional<GroupNetwork> current = current();
        if (current.isEmpty()) {
            return task;
        }
        Map<String, Object> config = new LinkedHashMap<>(task.driverConfig());
        config.putAll(current.get().taskOptions());
        return task.withDriverConfig(config);
    }

    /** The network; a restored allocation asks its drivers once, when a task starts again. */
    private synchronized Optional<GroupNetwork> current() {
        if (!known) {
            for (String name : drivers) {
                try {
                    network =
                            ctx.drivers().driver(name).findGroupNetwork(allocId).orElse(null);
                } catch (RuntimeException e) {
                    LOG.warn("allocation {}: cannot look for its group network: {}", allocId, e.getMessage());
                    return Optional.empty(); // asked again at the next start
                }
                if (network != null) {
                    break;
                }
            }
            known = true;
        }
        return Optional.ofNullable(network);
    }

    /**
     * Has every driver that may hold the network destroy it, retrying recoverable failures; completes when done,
     * whether or not that succeeded (a failure is logged).
     */
    CompletableFuture<Void> destroy() {
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        for (String name : drivers) {
            all.add(new CleanupRetrier(ctx)
                    .run(
                            "the group network of allocation " + allocId,
                            () -> ctx.drivers().driver(name).destroyGroupNetwork(allocId)));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }
}
