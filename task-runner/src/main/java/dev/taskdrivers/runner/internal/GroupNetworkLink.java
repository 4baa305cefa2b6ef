package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.GroupNetwork;
import dev.taskdrivers.api.GroupNetworkRequest;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.runner.internal.state.PersistedTask;
import dev.taskdrivers.runner.internal.state.PersistedTask.GroupNetworkRecord;
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
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network namespace an allocation's tasks share when their group is in {@code bridge} network mode: created by
 * the tasks' driver before the first task is prepared, joined by every task through the driver config entries the
 * driver names, and destroyed once after the last task ended (stopped, failed or done). The tasks' state files keep
 * the mode, the network and whether it was destroyed ({@link #record()}), so a restored allocation knows it: a
 * recovery that merely reattaches costs no engine call; the first task that starts again has the driver find the
 * network (and create it again when it is gone), so no task ever starts outside it. Files written before the mode was
 * kept leave it unknown: every driver of the allocation that creates group networks is then asked.
 */
final class GroupNetworkLink {
    private static final Logger LOG = LoggerFactory.getLogger(GroupNetworkLink.class);

    private enum Mode {
        HOST,
        BRIDGE,
        /** Restored from a state file that did not keep the mode. */
        UNKNOWN
    }

    private final RunnerContext ctx;
    private final String allocId;
    private final Mode mode;
    /** The drivers that may hold the network: the group's in bridge mode; every one that could when unknown. */
    private final Set<String> drivers;
    /** Held while the driver confirms the network, so a restored allocation asks it once. */
    private final Object confirming = new Object();

    // guarded by this
    private @Nullable GroupNetwork network;
    /** Whether {@link #network} is what the driver has now: created or found by this runner, or none in host mode. */
    private boolean confirmed;

    private boolean destroyed;

    private GroupNetworkLink(
            RunnerContext ctx,
            String allocId,
            Mode mode,
            Set<String> drivers,
            @Nullable GroupNetwork network,
            boolean confirmed,
            boolean destroyed) {
        this.ctx = ctx;
        this.allocId = allocId;
        this.mode = mode;
        this.drivers = drivers;
        this.network = network;
        this.confirmed = confirmed;
        this.destroyed = destroyed;
    }

    /** The link of a new allocation: no network in host mode, one to create in bridge mode. */
    static GroupNetworkLink forNew(RunnerContext ctx, String allocId, GroupSpec group) {
        if (!group.bridgeNetwork()) {
            return new GroupNetworkLink(ctx, allocId, Mode.HOST, Set.of(), null, true, false);
        }
        // validation made it the one driver of the group
        Set<String> drivers = Set.of(group.tasks().get(0).driver());
        return new GroupNetworkLink(ctx, allocId, Mode.BRIDGE, drivers, null, false, false);
    }

    /**
     * The link of a restored allocation, from its tasks' state files: the one that knows most wins (a task written
     * before the network was created knows only the mode).
     */
    static GroupNetworkLink forRestored(
            RunnerContext ctx, String allocId, List<PersistedTask> states, List<TaskSpec> tasks) {
        GroupNetworkRecord best = null;
        for (PersistedTask p : states) {
            GroupNetworkRecord r = p.groupNetwork();
            if (r != null && (best == null || rank(r) > rank(best))) {
                best = r;
            }
        }
        if (best == null) {
            return unknown(ctx, allocId, tasks);
        }
        if (!best.bridge()) {
            return new GroupNetworkLink(ctx, allocId, Mode.HOST, Set.of(), null, true, false);
        }
        String driver = best.driver() != null ? best.driver() : tasks.get(0).driver();
        GroupNetwork recorded = null;
        if (best.id() != null) {
            GroupNetwork.Builder b = GroupNetwork.builder(best.id());
            best.taskOptions().forEach(b::taskOption);
            recorded = b.build();
        }
        return new GroupNetworkLink(ctx, allocId, Mode.BRIDGE, Set.of(driver), recorded, false, best.destroyed());
    }

    private static int rank(GroupNetworkRecord r) {
        return r.destroyed() ? 2 : r.id() != null ? 1 : 0;
    }

    /** A state written before the mode was kept: any of the tasks' drivers that create group networks may hold one. */
    private static GroupNetworkLink unknown(RunnerContext ctx, String allocId, List<TaskSpec> tasks) {
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
        return new GroupNetworkLink(ctx, allocId, Mode.UNKNOWN, drivers, null, drivers.isEmpty(), false);
    }

    /** Whether the group is in bridge mode and its network is still to be created before the tasks are prepared. */
    synchronized boolean toCreate() {
        return mode == Mode.BRIDGE && network == null && !confirmed;
    }

    /**
     * Creates the network for these tasks (their configs with granted ports).
     *
     * @throws DriverException when the driver cannot
     */
    void create(List<TaskConfig> tasks) {
        String name = drivers.iterator().next();
        GroupNetwork created = Boundary.driver(
                name,
                "createGroupNetwork",
                () -> ctx.drivers().driver(name).createGroupNetwork(GroupNetworkRequest.of(allocId, tasks)));
        LOG.info("allocation {}: group network {} created by the {} driver", allocId, created.id(), name);
        synchronized (this) {
            network = created;
            confirmed = true;
        }
    }

    /**
     * Makes sure the network of a restored allocation is there before one of its tasks is prepared again: the driver
     * finds it, or creates it again when it is gone. A no-op once done, and for a new allocation.
     *
     * @param allTasks the configs of every task of the allocation, for a network that has to be created again
     * @throws DriverException when the network can be neither found nor created: the task must not start outside it
     */
    void confirm(Supplier<List<TaskConfig>> allTasks) {
        current(allTasks);
    }

    /**
     * {@code task} as it runs in the group: joined to its network, when there is one.
     *
     * @param allTasks the configs of every task of the allocation, for a network that has to be created again
     * @throws DriverException when the network of a restored allocation can be neither found nor created: the task
     *         must not start outside it
     */
    TaskConfig joined(TaskConfig task, Supplier<List<TaskConfig>> allTasks) {
        Optional<GroupNetwork> current = current(allTasks);
        if (current.isEmpty()) {
            return task;
        }
        Map<String, Object> config = new LinkedHashMap<>(task.driverConfig());
        config.putAll(current.get().taskOptions());
        return task.withDriverConfig(config);
    }

    /**
     * The network; a restored allocation has its driver confirm it once, when a task starts again. The driver is
     * called outside this object's lock, which the tasks' state writes take.
     */
    private Optional<GroupNetwork> current(Supplier<List<TaskConfig>> allTasks) {
        synchronized (confirming) {
            GroupNetwork recorded;
            synchronized (this) {
                if (confirmed) {
                    return Optional.ofNullable(network);
                }
                recorded = network;
            }
            GroupNetwork now =
                    mode == Mode.BRIDGE ? foundOrCreated(drivers.iterator().next(), recorded, allTasks) : foundByAny();
            synchronized (this) {
                network = now;
                confirmed = true;
                return Optional.ofNullable(now);
            }
        }
    }

    private GroupNetwork foundOrCreated(
            String name, @Nullable GroupNetwork recorded, Supplier<List<TaskConfig>> allTasks) {
        Optional<GroupNetwork> found = Boundary.driver(
                name, "findGroupNetwork", () -> ctx.drivers().driver(name).findGroupNetwork(allocId));
        if (found.isPresent()) {
            if (recorded != null && !recorded.id().equals(found.get().id())) {
                LOG.info(
                        "allocation {}: group network {} found in place of the recorded {}",
                        allocId,
                        found.get().id(),
                        recorded.id());
            }
            return found.get();
        }
        GroupNetwork created = Boundary.driver(
                name,
                "createGroupNetwork",
                () -> ctx.drivers().driver(name).createGroupNetwork(GroupNetworkRequest.of(allocId, allTasks.get())));
        LOG.info(
                "allocation {}: group network {} was not found; {} created by the {} driver",
                allocId,
                recorded == null ? "(not created yet)" : recorded.id(),
                created.id(),
                name);
        return created;
    }

    /** An allocation of unknown mode: the network of the first driver that has one, none when none has. */
    private @Nullable GroupNetwork foundByAny() {
        for (String name : drivers) {
            Optional<GroupNetwork> found = Boundary.driver(
                    name, "findGroupNetwork", () -> ctx.drivers().driver(name).findGroupNetwork(allocId));
            if (found.isPresent()) {
                return found.get();
            }
        }
        return null;
    }

    /** What the tasks' state files keep of the group's network; null when its mode is unknown. */
    synchronized @Nullable GroupNetworkRecord record() {
        return switch (mode) {
            case HOST -> GroupNetworkRecord.host();
            case UNKNOWN -> null;
            case BRIDGE ->
                new GroupNetworkRecord(
                        GroupNetworkRecord.BRIDGE,
                        drivers.iterator().next(),
                        network == null ? null : network.id(),
                        network == null ? Map.of() : network.taskOptions(),
                        destroyed);
        };
    }

    /** Whether the allocation has, or may have, a network for {@link #destroy()} to remove. */
    synchronized boolean mayHoldOne() {
        return !destroyed && !drivers.isEmpty();
    }

    /**
     * Has every driver that may hold the network destroy it, retrying recoverable failures; completes when done,
     * with whether it succeeded (a failure is logged). A network recorded as destroyed is not asked for again.
     */
    CompletableFuture<Boolean> destroy() {
        if (!mayHoldOne()) {
            return CompletableFuture.completedFuture(true);
        }
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        for (String name : drivers) {
            all.add(new CleanupRetrier(ctx)
                    .run(
                            "the group network of allocation " + allocId,
                            () -> Boundary.driverRun(
                                    name,
                                    "destroyGroupNetwork",
                                    () -> ctx.drivers().driver(name).destroyGroupNetwork(allocId))));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> {
            boolean ok = all.stream().allMatch(CompletableFuture::join);
            if (ok) {
                synchronized (this) {
                    destroyed = true;
                }
            }
            return ok;
        });
    }
}
