package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.TaskMount;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.AllocationUsage;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.TaskUsage;
import dev.taskdrivers.runner.internal.interpolation.Interpolator;
import dev.taskdrivers.runner.internal.interpolation.TaskInterpolation;
import dev.taskdrivers.runner.internal.state.PersistedTask;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.JobType;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.SpecParser;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One allocation: the tasks of a group, started together once all are prepared (so each knows its siblings' ports),
 * sharing the alloc dir. A dead leader stops its siblings; a task that failed for good stops its siblings.
 */
public final class AllocationRunner implements AllocationHandle {
    private static final Logger LOG = LoggerFactory.getLogger(AllocationRunner.class);
    private final RunnerContext ctx;
    private final String allocId;
    private final JobSpec job;
    private final GroupSpec group;
    private final int index;
    private final String jobDigest;
    private final Map<String, TaskSupervisor> tasks = new LinkedHashMap<>();
    private final AllocationDirectories directories;
    private final CompletableFuture<AllocationStatus> completion = new CompletableFuture<>();
    /** Parks the tasks whose lifecycle hook holds them back, before they are prepared. */
    private final LifecycleCoordinator<TaskSupervisor> lifecycle;

    private final GroupNetworkLink network;
    private final @Nullable RunDeadline deadline;
    /** Creates a new bridge allocation's network; null when there is none to create. */
    private volatile @Nullable GroupNetworkSetup networkSetup;

    private AllocationRunner(
            RunnerContext ctx,
            String allocId,
            JobSpec job,
            String jobDigest,
            GroupSpec group,
            int index,
            AllocationDirectories directories,
            GroupNetworkLink network,
            @Nullable RunDeadline deadline) {
        this.jobDigest = jobDigest;
        this.ctx = ctx;
        this.directories = directories;
        this.allocId = allocId;
        this.job = job;
        this.group = group;
        this.index = index;
        this.lifecycle = new LifecycleCoordinator<>(group.tasks());
        this.network = network;
        this.deadline = deadline;
    }

    /** A new allocation with ports granted; call {@link #start()} to run it. */
    public static AllocationRunner create(
            RunnerContext ctx, String allocId, JobSpec job, String jobDigest, GroupSpec group, int index) {
        AllocationRunner alloc = new AllocationRunner(
                ctx,
                allocId,
                job,
                jobDigest,
                group,
                index,
                new AllocationDirectories(ctx.spares()),
                GroupNetworkLink.forNew(ctx, allocId, group),
                RunDeadline.forNew(job, group, Instant.now()));
        List<Port> granted = new ArrayList<>();
        try {
            for (TaskSpec task : group.tasks()) {
                List<Port> ports = ctx.ports().allocate(task.name(), task.ports());
                granted.addAll(ports);
                TaskId id = new TaskId(allocId, job.name(), group.name(), index, task.name());
                alloc.tasks.put(task.name(), new TaskSupervisor(ctx, alloc, id, task, group.restartFor(task), ports));
            }
        } catch (RuntimeException e) {
            ctx.ports().release(granted);
            throw e;
        }
        return alloc;
    }

    /** An allocation rebuilt from its tasks' state files; call {@link #recoverTasks()} next. */
    public static AllocationRunner restore(RunnerContext ctx, List<PersistedTask> states, List<TaskSpec> recovered) {
        PersistedTask first = states.get(0);
        List<TaskSpec> specs = RestoredServicePorts.withReachablePorts(first.allocId(), recovered);
        JobType type = JobType.fromSpecName(first.jobType())
                .orElseThrow(() -> new IllegalArgumentException("unknown job type \"" + first.jobType() + "\""));
        // the group's builder goes into the job's, so the tasks are checked once, with the job
        GroupSpec.Builder groupBuilder = GroupSpec.builder(first.groupName())
                .meta(orEmpty(first.groupMeta()))
                .shutdownDelay(Duration.ofMillis(first.groupShutdownDelayMillis()))
                .tasks(specs);
        if (first.groupVolumes() != null) {
            List<ValidationProblem> problems = new ArrayList<>();
            new SpecParser()
                    .volumes(first.groupVolumes(), "groupVolumes", problems)
                    .forEach(groupBuilder::volume);
            problems.forEach(p -> LOG.warn("allocation {}: persisted volume left out: {}", first.allocId(), p));
        }
        RunDeadline deadline = RunDeadline.restored(states);
        if (deadline != null) {
            groupBuilder.maxRunDuration(deadline.maxRun());
        }
        JobSpec.Builder jobBuilder = JobSpec.builder(first.jobName())
                .type(type)
                .meta(orEmpty(first.jobMeta()))
                .group(groupBuilder);
        if (first.datacenter() != null) {
            jobBuilder.datacenter(first.datacenter());
        }
        if (first.region() != null) {
            jobBuilder.region(first.region());
        }
        if (first.jobIdentity() != null) {
            jobBuilder
                    .namespace(first.jobIdentity().namespace())
                    .id(first.jobIdentity().id())
                    .parentId(first.jobIdentity().parentId());
        }
        JobSpec job = jobBuilder.build();
        GroupSpec group = job.groups().get(0);
        // its directories exist already, unless removed meanwhile: no spare tree may be moved over them
        AllocationRunner alloc = new AllocationRunner(
                ctx,
                first.allocId(),
                job,
                first.jobDigest(),
                group,
                first.allocIndex(),
                new AllocationDirectories(null),
                GroupNetworkLink.forRestored(ctx, first.allocId(), states, specs),
                deadline);
        if (deadline != null && deadline.reached(Instant.now())) {
            alloc.lifecycle.expired(); // no task starts in the recovery that the deadline stopped
        }
        for (int i = 0; i < states.size(); i++) {
            PersistedTask p = states.get(i);
            TaskSpec spec = specs.get(i);
            List<Port> ports = p.ports() == null
                    ? List.of()
                    : p.ports().stream()
                            .map(r -> new Port(r.label(), r.value(), r.hostIp()))
                            .toList();
            ctx.ports().reserve(ports);
            TaskId id = new TaskId(p.allocId(), p.jobName(), p.groupName(), p.allocIndex(), spec.name());
            RestartPolicy policy = spec.restart() != null ? spec.restart() : RestartPolicy.DEFAULT;
            TaskSupervisor task = new TaskSupervisor(ctx, alloc, id, spec, policy, ports);
            task.restore(p);
            alloc.tasks.put(spec.name(), task);
            alloc.lifecycle.restored(spec.name(), task.hasStarted(), task.isDead(), task.succeeded());
        }
        return alloc;
    }

    /**
     * Prepares every task on the blocking pool, then starts those that prepared; a task its lifecycle hook holds back
     * is prepared only once let go, with the tasks let go with it. The tasks' first state is written
     * on the calling thread meanwhile, so it is on disk when this returns without delaying the start.
     */
    public void start() {
        watchCompletion();
        scheduleDeadline();
        List<TaskSupervisor> all = List.copyOf(tasks.values());
        if (network.toCreate()) { // a bridge group: its network before any task is prepared
            GroupNetworkSetup setup = new GroupNetworkSetup(
                    ctx,
                    allocId,
                    network,
                    all,
                    group.restart() != null ? group.restart() : RestartPolicy.DEFAULT,
                    () -> prepareAndLaunch(all));
            networkSetup = setup;
            setup.start();
        } else {
            prepareAndLaunch(all);
        }
        all.forEach(TaskSupervisor::persistSubmitted);
    }

    /** Whether the tasks wait for the next try to create the group's network. */
    boolean waitsForNetwork() {
        GroupNetworkSetup setup = networkSetup;
        return setup != null && setup.waiting();
    }

    private void prepareAndLaunch(List<TaskSupervisor> all) {
        prepareAndLaunch(all, TaskSupervisor::prepareNew);
    }

    /**
     * Runs {@code prepare} for each task and starts those it prepared: a lone task on the thread that prepared it,
     * several once all are prepared (each knows its siblings' ports). {@code prepare} never throws: a failure ends
     * that task, and the others still start.
     */
    private void prepareAndLaunch(List<TaskSupervisor> all, Predicate<TaskSupervisor> prepare) {
        if (all.isEmpty()) {
            return;
        }
        if (all.size() == 1) {
            TaskSupervisor only = all.get(0);
            ctx.blocking()
                    .execute(
                            () -> { // no sibling to wait for: the thread that prepares it starts it
                                if (prepare.test(only)) {
                                    only.guarded("starting the task", only::launch);
                                }
                            });
        } else {
            startTogether(all, prepare);
        }
    }

    /** Prepares the tasks in parallel and starts them once all are prepared (each knows its siblings' ports). */
    private void startTogether(List<TaskSupervisor> all, Predicate<TaskSupervisor> prepare) {
        List<CompletableFuture<Boolean>> prepared = new ArrayList<>();
        all.forEach(t -> prepared.add(new CompletableFuture<>()));
        // chained before any preparation runs, so the launch always happens on the pool thread that prepared last
        CompletableFuture.allOf(prepared.toArray(CompletableFuture[]::new)).thenRun(() -> launch(all, prepared));
        for (int i = 0; i < all.size(); i++) {
            TaskSupervisor t = all.get(i);
            CompletableFuture<Boolean> done = prepared.get(i);
            ctx.blocking().execute(() -> done.complete(prepare.test(t)));
        }
    }

    /** Starts the tasks that prepared: the last one on this thread, one hand-off less on its way to Started. */
    private void launch(List<TaskSupervisor> all, List<CompletableFuture<Boolean>> prepared) {
        TaskSupervisor here = null;
        for (int i = 0; i < all.size(); i++) {
            if (prepared.get(i).join()) {
                if (here != null) {
                    here.runStep("starting the task", here::launch);
                }
                here = all.get(i);
            }
        }
        if (here != null) {
            here.guarded("starting the task", here::launch);
        }
    }

    /** Takes every restored task over; returns what was done per task. */
    public List<RecoveryOutcome> recoverTasks() {
        watchCompletion();
        List<RecoveryOutcome> result = new ArrayList<>();
        for (TaskSupervisor t : tasks.values()) {
            result.add(t.recoverGuarded());
        }
        // the runner may have stopped between the main tasks' end and their sidecars' stop
        stopSidecars(lifecycle.sidecarsToStop());
        if (deadline != null && deadline.reached(Instant.now())) {
            expire(); // reached while no runner ran it, or while the tasks were being killed
        } else {
            scheduleDeadline();
        }
        return result;
    }

    /** Ends the allocation at its run deadline, if it has one. */
    private void scheduleDeadline() {
        if (deadline != null) {
            deadline.schedule(ctx.scheduler(), () -> {
                try {
                    ctx.blocking().execute(this::expire); // killing deregisters services: not on the scheduler
                } catch (RejectedExecutionException e) {
                    // the runner is closing: the next one ends the allocation at the same deadline
                }
            });
        }
    }

    /**
     * The run deadline is reached: every task still alive is killed (a poststop task that has not started never
     * will) and the allocation ends described as stopped by it. Nothing happens when every task is dead already.
     */
    private void expire() {
        if (deadline == null || completion.isDone()) {
            return;
        }
        List<TaskSupervisor> alive =
                tasks.values().stream().filter(t -> !t.isDead()).toList();
        if (alive.isEmpty()) {
            return;
        }
        deadline.markExpired(); // before the kills: the state each task writes next keeps it
        lifecycle.expired();
        TaskEvent reason = deadline.killEvent();
        for (TaskSupervisor t : alive) {
            t.kill(reason, runsBeforeStop(t) ? group.shutdownDelay() : Duration.ZERO);
        }
    }

    /** What the tasks' state files keep of the run deadline; null when the group has none. */
    PersistedTask.@Nullable RunDeadline runDeadline() {
        return deadline == null ? null : deadline.record();
    }

    private void watchCompletion() {
        CompletableFuture<?>[] all = new CompletableFuture<?>[tasks.size()];
        int i = 0;
        for (TaskSupervisor t : tasks.values()) {
            all[i++] = t.finished();
        }
        // the group's network goes after the last task's cleanup, before anyone hears the allocation ended
        CompletableFuture.allOf(all).thenCompose(v -> destroyNetwork()).thenRun(() -> {
            if (deadline != null) {
                deadline.cancel();
            }
            List<Port> ports = new ArrayList<>();
            tasks.values().forEach(t -> ports.addAll(t.ports));
            ctx.ports().release(ports);
            AllocationStatus status = status(true);
            completion.complete(status);
            ctx.publishFinished(status);
        });
    }

    /** Destroys the group's network, if it may have one; the tasks' state files then say it was destroyed. */
    private CompletableFuture<Void> destroyNetwork() {
        if (!network.mayHoldOne()) {
            return CompletableFuture.completedFuture(null);
        }
        return network.destroy().thenAccept(destroyed -> {
            if (destroyed) { // a runner started later does not ask the driver again
                tasks.values().forEach(t -> t.persist(false));
            }
        });
    }

    /**
     * The environment of one task: its own NOMAD_* values, its siblings' port variables and its own env, whose
     * values are interpolated against the rest.
     */
    Map<String, String> environmentFor(TaskSupervisor task) {
        Map<String, String> written = environment(task, task.spec.env());
        Map<String, String> interpolated = interpolation().env(task.spec.env(), written);
        // most tasks' env holds no variable: the environment built first is then the final one
        return interpolated.equals(task.spec.env()) ? written : environment(task, interpolated);
    }

    /** {@code task} as it starts in this allocation: joined to the group's network, when it has one. */
    TaskConfig joinNetwork(TaskConfig task) {
        return network.joined(
                task,
                () -> tasks.values().stream().map(t -> t.baseConfig(Map.of())).toList());
    }

    /**
     * Makes sure the group's network is there before a task is prepared (again); see
     * {@link GroupNetworkLink#confirm}.
     *
     * @throws dev.taskdrivers.api.DriverException when it can be neither found nor created
     */
    void confirmNetwork() {
        network.confirm(
                () -> tasks.values().stream().map(t -> t.baseConfig(Map.of())).toList());
    }

    /** What the tasks' state files keep of the group's network; null when its mode is unknown. */
    PersistedTask.@Nullable GroupNetworkRecord groupNetworkRecord() {
        return network.record();
    }

    /**
     * A task's mounts of the group's volumes on this node, destinations interpolated against {@code env}.
     *
     * @throws DriverException when a mount cannot be made (the node lost the volume since validation)
     */
    List<TaskMount> mounts(TaskSpec task, Map<String, String> env) {
        if (task.volumeMounts().isEmpty()) {
            return List.of();
        }
        VolumeMounts.Resolved resolved = resolveMounts(task, env);
        if (resolved.mounts().size() != task.volumeMounts().size()) {
            List<ValidationProblem> problems = new ArrayList<>(resolved.problems());
            problems.addAll(VolumeMounts.nodeProblems(
                    group.volumes(), index + 1, ctx.node().node()));
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, "cannot mount the task's volumes: " + problems);
        }
        return resolved.mounts();
    }

    /** The mounts that can be made, for what only looks at a task (a reattach, a prestart): never throws. */
    List<TaskMount> mountsLeniently(TaskSpec task, Map<String, String> env) {
        return task.volumeMounts().isEmpty()
                ? List.of()
                : resolveMounts(task, env).mounts();
    }

    private VolumeMounts.Resolved resolveMounts(TaskSpec task, Map<String, String> env) {
        TaskInterpolation interpolation = interpolation();
        return VolumeMounts.resolve(
                group.volumes(),
                task.volumeMounts(),
                index,
                ctx.node().node(),
                (text, field) -> interpolation.text(text, field, env, Interpolator.Mode.LENIENT, new ArrayList<>()));
    }

    /** How the tasks' texts are interpolated: against the runner's node and this job's datacenter. */
    TaskInterpolation interpolation() {
        return new TaskInterpolation(ctx.node(), job.datacenter());
    }

    private Map<String, String> environment(TaskSupervisor task, Map<String, String> taskEnv) {
        Map<String, String> meta = new LinkedHashMap<>(job.meta());
        meta.putAll(group.meta());
        meta.putAll(task.spec.meta());
        TaskEnvironment.Builder env = TaskEnvironment.builder(task.id)
                .taskEnv(taskEnv)
                .dirs(task.dirs())
                .resources(task.resources())
                .meta(meta)
                .datacenter(job.datacenter())
                .region(job.region())
                .namespace(job.namespace())
                .jobId(job.id())
                .portMap(task.portMap())
                .overrides(ctx.drivers().dirsInsideTask(task.spec.driver()))
                .overrides(task.ownEnvOverrides());
        if (job.parentId() != null) {
            env.jobParentId(job.parentId());
        }
        for (TaskSupervisor sibling : tasks.values()) {
            if (sibling != task) {
                env.sibling(sibling.id.taskName(), sibling.ports, sibling.portMap());
                List<Port> groupPorts = GroupPorts.of(sibling.spec.ports(), sibling.ports);
                if (!groupPorts.isEmpty()) {
                    env.groupPorts(groupPorts, sibling.portMap());
                }
            }
        }
        return env.build();
    }

    /**
     * The ports of the group's network granted to the other tasks, each with its owner's port map entry: {@code
     * task}'s services may name them too. Call it without holding {@code task}'s lock: it reads the siblings'.
     */
    List<ServicePorts.Shared> groupPortsOfSiblings(TaskSupervisor task) {
        List<ServicePorts.Shared> shared = new ArrayList<>();
        for (TaskSupervisor sibling : tasks.values()) {
            if (sibling != task) {
                Map<String, Integer> portMap = sibling.portMap();
                GroupPorts.of(sibling.spec.ports(), sibling.ports)
                        .forEach(p -> shared.add(new ServicePorts.Shared(p, portMap.get(p.label()))));
            }
        }
        return shared;
    }

    /**
     * Whether {@code task} may be prepared and started now as its lifecycle hook says; when not, a Waiting event says
     * what it waits for, and it is prepared and started once it may, together with the tasks let go with it.
     */
    boolean mayPrepare(TaskSupervisor task) {
        String name = task.id.taskName();
        Optional<LifecycleCoordinator.Wait> wait = lifecycle.waitFor(name);
        if (wait.isEmpty()) {
            return true;
        }
        task.waiting(wait.get().message(), wait.get().details()); // before it is parked: it may start right after
        return !lifecycle.park(name, task);
    }

    /** Prepares and starts the parked tasks a lifecycle gate let go. */
    private void release(List<TaskSupervisor> released) {
        prepareAndLaunch(released, TaskSupervisor::prepareReleased);
    }

    LifecycleRole role(TaskSupervisor task) {
        return lifecycle.role(task.id.taskName());
    }

    /** Called when a task started: starts the tasks that waited for it. */
    void taskStarted(TaskSupervisor task) {
        release(lifecycle.started(task.id.taskName()));
    }

    /** Takes back the launch of a task killed while it waited to start; false when it was not waiting. */
    boolean unparkKilled(TaskSupervisor task) {
        return lifecycle.unpark(task.id.taskName()).isPresent();
    }

    private void stopSidecars(List<String> sidecars) {
        for (String name : sidecars) {
            TaskSupervisor t = tasks.get(name);
            if (t != null && !t.isDead()) {
                t.kill(TaskEvent.of(
                        TaskEventType.MAIN_TASKS_DEAD,
                        "Main tasks in the group died, stopping the sidecar",
                        Map.of("sidecar", name)));
            }
        }
    }

    /** Called once when a task is dead: applies the leader and sibling rules, then the lifecycle's. */
    void taskDead(TaskSupervisor dead) {
        try {
            applySiblingRules(dead);
        } finally {
            LifecycleCoordinator.AfterDeath<TaskSupervisor> after =
                    lifecycle.dead(dead.id.taskName(), dead.succeeded());
            release(after.launches());
            stopSidecars(after.sidecarsToStop());
        }
    }

    private void applySiblingRules(TaskSupervisor dead) {
        TaskEvent reason = null;
        if (dead.spec.leader()) {
            reason = TaskEvent.of(
                    TaskEventType.LEADER_TASK_DEAD,
                    "Leader Task " + dead.id.taskName() + " has died",
                    Map.of("leader", dead.id.taskName()));
        } else if (dead.hasFailed()) {
            reason = TaskEvent.of(
                    TaskEventType.SIBLING_TASK_FAILED,
                    "Task's sibling " + dead.id.taskName() + " failed",
                    Map.of("sibling", dead.id.taskName()));
        }
        if (reason == null) {
            return;
        }
        lifecycle.stopping();
        for (TaskSupervisor t : tasks.values()) {
            if (t != dead && !t.isDead() && runsBeforeStop(t)) {
                t.kill(reason);
            }
        }
    }

    /** Whether stopping the allocation stops {@code t}: poststop tasks are what runs after the others stopped. */
    private boolean runsBeforeStop(TaskSupervisor t) {
        return lifecycle.role(t.id.taskName()) != LifecycleRole.POSTSTOP;
    }

    /** Lets go of every task without stopping it. */
    public void detach() {
        if (deadline != null) {
            deadline.cancel();
        }
        GroupNetworkSetup setup = networkSetup;
        if (setup != null) {
            setup.cancel(); // the next runner sets the network up when it starts the tasks
        }
        tasks.values().forEach(TaskSupervisor::detach);
    }

    JobSpec job() {
        return job;
    }

    /** The fingerprint of the job spec this allocation was submitted with; {@code null} when not known. */
    public String jobDigest() {
        return jobDigest;
    }

    /** The job's name. */
    public String jobName() {
        return job.name();
    }

    AllocationDirectories directories() {
        return directories;
    }

    GroupSpec group() {
        return group;
    }

    @Override
    public String id() {
        return allocId;
    }

    @Override
    public String name() {
        return job.name() + "." + group.name() + "[" + index + "]";
    }

    @Override
    public AllocationStatus status() {
        return status(completion.isDone());
    }

    private AllocationStatus status(boolean finished) {
        Map<String, TaskStatus> statuses = new LinkedHashMap<>();
        tasks.forEach((name, t) -> statuses.put(name, t.status()));
        boolean failed = statuses.values().stream().anyMatch(TaskStatus::failed);
        Optional<String> description =
                deadline != null && deadline.expired() ? Optional.of(deadline.description()) : Optional.empty();
        return new AllocationStatus(allocId, name(), statuses, finished, failed, description);
    }

    @Override
    public AllocationUsage stats() {
        Map<String, TaskUsage> usage = new LinkedHashMap<>();
        tasks.forEach((name, t) -> usage.put(name, t.usage()));
        return AllocationUsage.of(allocId, name(), usage);
    }

    @Override
    public List<TaskEvent> events(String taskName) {
        return task(taskName).events();
    }

    @Override
    public ExecResult exec(String taskName, List<String> argv, Duration timeout) {
        return task(taskName).exec(ExecRequest.of(argv, timeout));
    }

    @Override
    public void signal(String taskName, String signal) {
        Objects.requireNonNull(signal, "signal");
        task(taskName).signal(signal);
    }

    @Override
    public void restart(String taskName) {
        task(taskName).restart();
    }

    private TaskSupervisor task(String taskName) {
        TaskSupervisor t = tasks.get(taskName);
        if (t == null) {
            throw new IllegalArgumentException(
                    "allocation " + name() + " has no task " + taskName + "; tasks: " + tasks.keySet());
        }
        return t;
    }

    /** A caller's future of its own: completing or cancelling it cannot mark this allocation as finished. */
    @Override
    public CompletableFuture<AllocationStatus> completion() {
        return completion.copy();
    }

    /** Whether every task is dead and cleaned up. */
    public boolean isFinished() {
        return completion.isDone();
    }

    @Override
    public AllocationStatus await(Duration timeout) throws TimeoutException, InterruptedException {
        try {
            return completion.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("allocation " + name() + " failed unexpectedly", e.getCause());
        }
    }

    @Override
    public CompletableFuture<AllocationStatus> stop() {
        lifecycle.stopping();
        tasks.values().stream().filter(this::runsBeforeStop).forEach(t -> t.kill(null, group.shutdownDelay()));
        return completion.copy();
    }

    @Override
    public String toString() {
        return "Allocation[" + name() + ", id=" + allocId + "]";
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
