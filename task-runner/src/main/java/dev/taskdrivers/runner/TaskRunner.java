package dev.taskdrivers.runner;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.internal.AllocationRunner;
import dev.taskdrivers.runner.internal.CoreReservations;
import dev.taskdrivers.runner.internal.GrowingThreadPool;
import dev.taskdrivers.runner.internal.HostCores;
import dev.taskdrivers.runner.internal.JobDigest;
import dev.taskdrivers.runner.internal.PortAllocator;
import dev.taskdrivers.runner.internal.RecoveredSpecs;
import dev.taskdrivers.runner.internal.RecoveryOutcome;
import dev.taskdrivers.runner.internal.RunnerContext;
import dev.taskdrivers.runner.internal.SpareAllocationTrees;
import dev.taskdrivers.runner.internal.UsageSnapshots;
import dev.taskdrivers.runner.internal.artifact.ArtifactFetcher;
import dev.taskdrivers.runner.internal.catalog.NomadServiceCatalog;
import dev.taskdrivers.runner.internal.interpolation.NodeVariables;
import dev.taskdrivers.runner.internal.state.PersistedTask;
import dev.taskdrivers.runner.internal.state.StateStore;
import dev.taskdrivers.runner.internal.template.TemplateWatches;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.JobValidator;
import dev.taskdrivers.runner.spec.SpecParser;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.templates.InProcessTemplateData;
import dev.taskdrivers.templates.NomadServiceRegistration;
import dev.taskdrivers.templates.TemplateDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs allocations of tasks on this node: the embedding API of the SDK.
 *
 * <pre>{@code
 * try (TaskRunner runner = TaskRunner.builder()
 *         .stateDir(Path.of("/var/lib/app/state"))
 *         .dataDir(Path.of("/var/lib/app/data"))
 *         .listener((task, event) -> System.out.println(task + " " + event.type()))
 *         .build()) {
 *     runner.recover();                        // take over what an earlier runner left running
 *     List<AllocationHandle> allocs = runner.submit(job);
 *     allocs.get(0).await(Duration.ofMinutes(1));
 * }
 * }</pre>
 *
 * <p>{@link #close()} leaves tasks running, so a later runner on the same state directory reattaches them;
 * {@link #stopAll(Duration)} stops them. The runner holds no thread per task: waiting chains on each handle's exit
 * future, driver calls run on a bounded pool and delays on one scheduler thread.
 */
public final class TaskRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
    /** Enough for a few submissions in a row; each is six empty directories. */
    private static final int SPARE_ALLOCATION_TREES = 4;

    private final RunnerContext ctx;
    private final JobValidator validator;
    private final Map<String, AllocationRunner> allocations = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor blocking;
    private final ScheduledThreadPoolExecutor scheduler;
    private final @Nullable ServiceRegistry ownRegistry;
    private final @Nullable UsageSnapshots usageSnapshots;
    private volatile boolean closed;

    private TaskRunner(Builder b) {
        // grows only while every thread is busy: a job's slow starts all go at once, quick ones keep few threads
        this.blocking =
                new GrowingThreadPool(b.blockingThreads, Duration.ofSeconds(30), daemonThreads("taskrunner-worker"));
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("taskrunner-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        Path dataDir = Objects.requireNonNull(b.dataDir, "dataDir is required");
        DriverRegistry drivers = b.drivers != null
                ? b.drivers
                : DriverRegistry.load(b.classLoader, dataDir.resolve("drivers"), b.driverOptions);
        // a registry the caller gave belongs to the caller; the default one belongs to this runner
        ServiceRegistry registry = b.registry != null ? b.registry : new InProcessServiceRegistry();
        this.ownRegistry = b.registry == null ? registry : null;
        Path allocRoot = dataDir.resolve("alloc");
        SpareAllocationTrees spares = new SpareAllocationTrees(allocRoot, SPARE_ALLOCATION_TREES);
        spares.removeLeftovers(); // those of a runner that was killed
        NomadServiceCatalog nomadCatalog = new NomadServiceCatalog();
        this.ctx = new RunnerContext(
                drivers,
                new StateStore(Objects.requireNonNull(b.stateDir, "stateDir is required")),
                registry,
                new PortAllocator(b.hostIp, b.portMin, b.portMax),
                new CoreReservations(HostCores::usable),
                blocking,
                scheduler,
                allocRoot,
                spares,
                b.hostIp,
                List.copyOf(b.cleanupRetryDelays),
                new CopyOnWriteArrayList<>(b.listeners),
                new NodeVariables(b.node, b.hostIp, drivers),
                new TemplateWatches(b.templateData, nomadCatalog, blocking),
                b.templates,
                new ArtifactFetcher(b.artifacts, scheduler),
                nomadCatalog);
        this.validator = new JobValidator(drivers, registry, b.hostIp, b.node);
        this.usageSnapshots = b.usageSnapshotInterval.isZero()
                ? null
                : UsageSnapshots.every(b.usageSnapshotInterval, ctx, allocations::values);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses a job spec, the SDK's JSON or a Nomad HCL job file (see {@link SpecParser#parse(String)}), and checks it
     * against the drivers: every problem at once, each with its path.
     */
    public JobSpec parse(String json) {
        return validator.parseAndValidate(new SpecParser(), json);
    }

    /**
     * The checks this runner makes before it runs a job: its drivers, its service registry's rules, its host address
     * and node. A job parsed with them (as {@link #parse} does) is not checked a second time when it is submitted or
     * applied.
     */
    public JobValidator validator() {
        return validator;
    }

    /** The drivers this runner uses. */
    public DriverRegistry drivers() {
        return ctx.drivers();
    }

    /** Adds a live event listener; a {@link RunnerObserver} is also told of this runner. */
    public void addListener(RunnerListener listener) {
        ctx.listeners().add(Objects.requireNonNull(listener, "listener"));
        if (listener instanceof RunnerObserver observer) {
            observer.onAttached(this);
        }
    }

    /**
     * Runs every group of the job, {@code count} allocations each.
     *
     * @throws ValidationException when a task's driver is unknown or rejects its config
     */
    public List<AllocationHandle> submit(JobSpec job) {
        ValidationException.throwIfAny(validator.problems(job));
        return submitValidated(job);
    }

    private List<AllocationHandle> submitValidated(JobSpec job) {
        String digest = JobDigest.of(job);
        List<AllocationHandle> handles = new ArrayList<>();
        for (GroupSpec group : job.groups()) {
            for (int i = 0; i < group.count(); i++) {
                handles.add(submitValidated(job, digest, group, i));
            }
        }
        return handles;
    }

    /**
     * Runs a job unless this runner already holds it, e.g. after {@link #recover()} took over what an earlier runner
     * started: the way to re-run a job after a crash without running its tasks twice.
     * <ul>
     * <li>No allocation of a job with this name is known: the job is submitted, as {@link #submit(JobSpec)} does.
     * <li>The known allocations of the job were submitted with the same spec: they are returned as they are,
     * running or finished; nothing new is started.
     * <li>The spec changed and none of its allocations is running any more: the old ones are forgotten (see
     * {@link #forget}) and the job is submitted.
     * <li>The spec changed and some still run: with {@code replace} they are stopped (kill signal, kill timeout,
     * then force; this call waits for it), forgotten, and the job is submitted; without it a
     * {@link JobConflictException} names the running allocations and nothing is changed.
     * </ul>
     *
     * @throws ValidationException when the job is invalid (every problem at once)
     * @throws JobConflictException when a changed job still runs and {@code replace} is false
     */
    public synchronized List<AllocationHandle> apply(JobSpec job, boolean replace) throws InterruptedException {
        requireOpen();
        ValidationException.throwIfAny(validator.problems(job));
        String digest = JobDigest.of(job);
        List<AllocationRunner> known = allocations.values().stream()
                .filter(a -> a.jobName().equals(job.name()))
                .sorted(Comparator.comparing(AllocationRunner::name))
                .toList();
        if (known.isEmpty()) {
            return submitValidated(job);
        }
        if (known.stream().allMatch(a -> digest.equals(a.jobDigest()))) {
            return List.copyOf(known);
        }
        List<AllocationRunner> running =
                known.stream().filter(a -> !a.isFinished()).toList();
        if (!running.isEmpty() && !replace) {
            throw new JobConflictException(
                    job.name(), running.stream().map(AllocationRunner::name).toList());
        }
        for (AllocationRunner old : running) {
            LOG.info("replacing {} of job {}: stopping it", old.name(), job.name());
            try {
                old.stop().get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("stopping " + old.name() + " failed", e.getCause());
            }
        }
        known.forEach(a -> forget(a.id()));
        return submitValidated(job);
    }

    /** Runs one allocation of {@code group}. */
    public AllocationHandle submit(JobSpec job, GroupSpec group, int index) {
        ValidationException.throwIfAny(validator.problems(job, group));
        return submitValidated(job, JobDigest.of(job), group, index);
    }

    private AllocationHandle submitValidated(JobSpec job, String digest, GroupSpec group, int index) {
        requireOpen();
        String allocId = UUID.randomUUID().toString();
        AllocationRunner alloc = AllocationRunner.create(ctx, allocId, job, digest, group, index);
        allocations.put(allocId, alloc);
        alloc.start();
        return alloc;
    }

    /**
     * Takes over every allocation in the state directory: reattaches live tasks and re-registers their services,
     * relaunches what cannot be reattached, cleans up what ended meanwhile, then tells the service registry that
     * recovery is complete. Unreadable state files are reported and skipped; the others are still recovered.
     */
    public RecoveryReport recover() {
        requireOpen();
        RecoveredSpecs specs = new RecoveredSpecs();
        List<String> ids = ctx.store().allocationIds().stream()
                .filter(id -> !allocations.containsKey(id))
                .toList();
        Restored[] restoredAllocs = new Restored[ids.size()];
        AllocationRecovery[] results = new AllocationRecovery[ids.size()];
        RuntimeException[] failures = new RuntimeException[ids.size()];
        // every allocation is rebuilt from its state (taking back the ports and cores its tasks hold) before any task
        // is taken over: a task started again meanwhile could otherwise take cores a later allocation's task holds
        inParallel(ids.size(), i -> {
            try {
                restoredAllocs[i] = restoreAllocation(ids.get(i), specs);
            } catch (RuntimeException e) { // one allocation's failure never stops the recovery of the others
                failures[i] = e;
            }
        });
        inParallel(ids.size(), i -> {
            Restored r = restoredAllocs[i];
            if (r == null) {
                return;
            }
            try {
                AllocationRunner alloc = r.alloc();
                results[i] =
                        new AllocationRecovery(alloc, alloc == null ? List.of() : alloc.recoverTasks(), r.problems());
            } catch (RuntimeException e) {
                failures[i] = e;
            }
        });
        List<AllocationHandle> restored = new ArrayList<>();
        List<StateFileProblem> unreadable = new ArrayList<>();
        int reattached = 0;
        int relaunched = 0;
        int finished = 0;
        for (int i = 0; i < ids.size(); i++) {
            AllocationRecovery r = results[i];
            if (failures[i] != null) {
                LOG.error("recovering allocation {} failed", ids.get(i), failures[i]);
                unreadable.add(new StateFileProblem(
                        ctx.store().dir().resolve(ids.get(i)), "recovering the allocation failed: " + failures[i]));
                continue;
            }
            unreadable.addAll(r.problems());
            if (r.alloc() != null) {
                restored.add(r.alloc());
            }
            for (RecoveryOutcome outcome : r.outcomes()) {
                switch (outcome) {
                    case REATTACHED -> reattached++;
                    case RELAUNCHED -> relaunched++;
                    default -> finished++;
                }
            }
        }
        try {
            ctx.registry().recoveryComplete();
        } catch (RuntimeException e) { // the tasks are recovered; the registry's own bookkeeping failed
            LOG.error("the service registry failed to complete its recovery", e);
        }
        LOG.info(
                "recovered {} allocation(s): {} task(s) reattached, {} relaunched, {} already finished, {}"
                        + " unreadable state file(s)",
                restored.size(),
                reattached,
                relaunched,
                finished,
                unreadable.size());
        return new RecoveryReport(restored, reattached, relaunched, finished, unreadable);
    }

    /** What recovering one allocation gave: the allocation (null when none of its tasks was usable). */
    private record AllocationRecovery(
            @Nullable AllocationRunner alloc, List<RecoveryOutcome> outcomes, List<StateFileProblem> problems) {}

    /** An allocation rebuilt from its state, its tasks not taken over yet (null when none of them was usable). */
    private record Restored(@Nullable AllocationRunner alloc, List<StateFileProblem> problems) {}

    /**
     * Runs {@code work} for 0 to {@code n - 1} on as many pool threads as there are cores, each taking the next index
     * until none is left: recovery is cpu-bound, and more threads than cores only add contention.
     */
    private void inParallel(int n, IntConsumer work) {
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                work.accept(i);
            }
        };
        int workers = Math.max(
                1,
                Math.min(
                        Math.min(
                                blocking.getMaximumPoolSize(),
                                Runtime.getRuntime().availableProcessors()),
                        n));
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            pending.add(CompletableFuture.runAsync(worker, blocking));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    }

    private Restored restoreAllocation(String allocId, RecoveredSpecs parsedSpecs) {
        StateStore.LoadResult loaded = ctx.store().loadAllocation(allocId, parsedSpecs.interner());
        List<StateFileProblem> problems = new ArrayList<>(loaded.problems());
        problems.forEach(p -> LOG.error("{}", p));
        List<PersistedTask> states = new ArrayList<>(loaded.tasks());
        states.sort(Comparator.comparing(t -> String.valueOf(t.task().get("name"))));
        List<PersistedTask> usable = new ArrayList<>();
        List<TaskSpec> specs = new ArrayList<>();
        for (PersistedTask state : states) {
            RecoveredSpecs.Parsed parsed = parsedSpecs.parse(state.task());
            TaskSpec spec = parsed.spec();
            List<ValidationProblem> specProblems = parsed.problems();
            if (spec != null && (specProblems.isEmpty() || isTakeable(spec))) {
                if (!specProblems.isEmpty()) {
                    // e.g. written by a runner whose rules were looser: the task runs, so it is taken over
                    LOG.warn(
                            "task {} of allocation {} breaks today's job rules ({}); taking it over with those"
                                    + " fields at their defaults",
                            spec.name(),
                            state.allocId(),
                            specProblems);
                }
                usable.add(state);
                specs.add(spec);
            } else {
                problems.add(new StateFileProblem(
                        ctx.store()
                                .fileOf(
                                        state.allocId(),
                                        String.valueOf(state.task().get("name"))),
                        "task spec is invalid: " + specProblems));
            }
        }
        if (usable.isEmpty()) {
            return new Restored(null, problems);
        }
        AllocationRunner alloc;
        try {
            alloc = AllocationRunner.restore(ctx, usable, specs);
        } catch (RuntimeException ex) { // e.g. ports that are taken, an unknown job type
            problems.add(new StateFileProblem(
                    ctx.store().dir().resolve(allocId), "allocation state is inconsistent: " + ex.getMessage()));
            return new Restored(null, problems);
        }
        allocations.put(alloc.id(), alloc);
        return new Restored(alloc, problems);
    }

    /** Whether a persisted task that breaks a rule can still be taken over: it names itself and its driver. */
    private boolean isTakeable(TaskSpec spec) {
        return TaskId.isSafe(spec.name()) && ctx.drivers().has(spec.driver());
    }

    /** Every allocation this runner knows, running or finished. */
    public Collection<AllocationHandle> allocations() {
        return List.copyOf(allocations.values());
    }

    public Optional<AllocationHandle> allocation(String allocId) {
        return Optional.ofNullable(allocations.get(allocId));
    }

    /**
     * The services of this runner's tasks registered with {@code provider = "nomad"} (Nomad's native service
     * discovery), as templates' {@code nomadService} sees them: registered while their task runs (also once
     * {@link #recover} took it over), removed when it stops or dies. Services of the default provider
     * ({@code consul}) go to the {@link ServiceRegistry} instead and are not listed.
     *
     * @return a snapshot, sorted by service name and registration ID
     */
    public List<NomadServiceRegistration> nomadServices() {
        return ctx.nomadCatalog().registrations();
    }

    /**
     * The latest result of each check of the services in {@link #nomadServices()}, as Nomad's
     * {@code nomad alloc checks} shows them: http and tcp checks, run by this runner while their task runs. As in
     * Nomad, a registration is listed in {@link #nomadServices()} (and by {@code nomadService}) whatever its checks
     * say.
     *
     * @return a snapshot, sorted by service name, task and check name
     */
    public List<CheckStatus> nomadServiceChecks() {
        return ctx.nomadCatalog().checks();
    }

    /**
     * Calls {@code listener} when a service in {@link #nomadServices()} is registered or removed and when one of
     * its checks runs or changes health (the command line's {@code run} prints these). It is called on the runner's
     * and the checks' threads and must return quickly.
     *
     * @param listener told of the {@code provider = "nomad"} services and their checks from now on
     */
    public void addNomadServiceListener(InProcessServiceRegistry.Listener listener) {
        ctx.nomadCatalog().addListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Forgets a finished allocation: deletes its state files and its directories. */
    public void forget(String allocId) {
        AllocationRunner alloc = allocations.get(allocId);
        if (alloc != null && !alloc.isFinished()) {
            throw new IllegalStateException("allocation " + alloc.name() + " is still running; stop it first");
        }
        allocations.remove(allocId);
        ctx.store().deleteAlloc(allocId);
        deleteTree(ctx.allocRoot().resolve(allocId));
    }

    /**
     * Stops every task and waits for them to be killed and cleaned up.
     *
     * @return whether everything stopped within {@code timeout}
     */
    public boolean stopAll(Duration timeout) throws InterruptedException {
        List<CompletableFuture<AllocationStatus>> stops = new ArrayList<>();
        allocations.values().forEach(a -> stops.add(a.stop()));
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("stopping failed", e.getCause());
        }
    }

    /**
     * Leaves every task running and releases this runner: handles are closed, drivers closed, threads stopped. A
     * later runner on the same state directory reattaches the tasks. A service registry given to the builder is not
     * closed (it belongs to the caller); the default in-process one is.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (usageSnapshots != null) {
            usageSnapshots.stop();
        }
        allocations.values().forEach(AllocationRunner::detach);
        ctx.templates().close(); // the source is the caller's: only this runner's watches end
        scheduler.shutdownNow();
        blocking.shutdown();
        try {
            if (!blocking.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("driver calls still running after 10s; abandoning them");
                blocking.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ctx.nomadCatalog().close(); // the tasks stay: the next runner checks them again
        ctx.spares().close();
        ctx.drivers().close();
        if (ownRegistry != null) {
            ownRegistry.close();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the task runner is closed");
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Configures a {@link TaskRunner}. */
    public static final class Builder {
        private @Nullable Path stateDir;
        private @Nullable Path dataDir;
        private @Nullable DriverRegistry drivers;
        private ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        private Map<String, Map<String, Object>> driverOptions = Map.of();
        private @Nullable ServiceRegistry registry;
        private TemplateDataSource templateData = new InProcessTemplateData();
        private final List<RunnerListener> listeners = new ArrayList<>();
        private Duration usageSnapshotInterval = Duration.ZERO;
        private String hostIp = "127.0.0.1";
        private NodeInfo node = NodeInfo.defaults();
        private int portMin = 20000;
        private int portMax = 32000;
        private int blockingThreads = 64;
        private ArtifactOptions artifacts = ArtifactOptions.DEFAULT;
        private TemplateOptions templates = TemplateOptions.DEFAULT;
        private List<Duration> cleanupRetryDelays =
                List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3));

        private Builder() {}

        /** Where task state files are kept (required). */
        public Builder stateDir(Path dir) {
            this.stateDir = absolute(dir, "stateDir");
            return this;
        }

        /** Where allocation directories and driver data live (required). */
        public Builder dataDir(Path dir) {
            this.dataDir = absolute(dir, "dataDir");
            return this;
        }

        /** The drivers to use; by default those found by {@link java.util.ServiceLoader}. */
        public Builder drivers(DriverRegistry registry) {
            this.drivers = registry;
            return this;
        }

        /** Where drivers are looked for when {@link #drivers} is not given. */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Objects.requireNonNull(loader, "classLoader");
            return this;
        }

        /** Operator options per driver name, when {@link #drivers} is not given. */
        public Builder driverOptions(Map<String, Map<String, Object>> options) {
            this.driverOptions = Map.copyOf(options);
            return this;
        }

        /** Where services are advertised; by default an {@link InProcessServiceRegistry}. */
        public Builder serviceRegistry(ServiceRegistry value) {
            this.registry = Objects.requireNonNull(value, "serviceRegistry");
            return this;
        }

        /**
         * Where templates read keys and services; by default an empty {@link InProcessTemplateData}. Each distinct
         * query is watched once for all tasks. The source stays the caller's: {@link #close()} does not close it.
         */
        public Builder templateData(TemplateDataSource value) {
            this.templateData = Objects.requireNonNull(value, "templateData");
            return this;
        }

        public Builder listener(RunnerListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * What the node is, for {@code ${node.*}}, {@code ${attr.*}} and {@code ${meta.*}} in job specs; by default
         * only what the runner finds on this host (see {@link NodeInfo}).
         */
        public Builder node(NodeInfo value) {
            this.node = Objects.requireNonNull(value, "node");
            return this;
        }

        /** The host address of granted ports (default 127.0.0.1). */
        public Builder hostIp(String ip) {
            this.hostIp = Objects.requireNonNull(ip, "hostIp");
            return this;
        }

        /** The range dynamic ports are picked from (default 20000-32000). */
        public Builder dynamicPorts(int min, int max) {
            this.portMin = min;
            this.portMax = max;
            return this;
        }

        /**
         * How many driver calls run at once at most (default 64). A thread is added only when all are busy, and
         * ends after 30 s without work.
         */
        public Builder blockingThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("blockingThreads must be at least 1: " + n);
            }
            this.blockingThreads = n;
            return this;
        }

        /** The waits between cleanup attempts after recoverable errors (default 1 s, 2 s, 3 s). */
        public Builder cleanupRetryDelays(List<Duration> delays) {
            this.cleanupRetryDelays = List.copyOf(delays);
            return this;
        }

        /**
         * Keeps the latest usage sample of each allocation with a running task in the state directory, taken every
         * {@code interval}, so another process can show it ({@link StateDirectory#usage}); off (zero) by default.
         */
        public Builder usageSnapshots(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("usageSnapshots must not be negative: " + interval);
            }
            this.usageSnapshotInterval = interval;
            return this;
        }

        /** Made absolute once, here: drivers, child processes and later runners must all see the same place. */
        private static Path absolute(Path dir, String what) {
            return Objects.requireNonNull(dir, what).toAbsolutePath().normalize();
        }

        /**
         * How tasks' artifacts are fetched: local files allowed or not (not by default), size and count limits, the
         * read timeout, tries; {@link ArtifactOptions#DEFAULT} (Nomad's defaults) unless set.
         */
        public Builder artifacts(ArtifactOptions options) {
            this.artifacts = Objects.requireNonNull(options, "artifacts");
            return this;
        }

        /**
         * The default {@code wait} of templates without one and the bounds of those with one (Nomad's client
         * {@code template} block); {@link TemplateOptions#DEFAULT} (Nomad's defaults) unless set.
         */
        public Builder templates(TemplateOptions options) {
            this.templates = Objects.requireNonNull(options, "templates");
            return this;
        }

        public TaskRunner build() {
            Objects.requireNonNull(stateDir, "stateDir is required");
            Objects.requireNonNull(dataDir, "dataDir is required");
            try {
                Files.createDirectories(stateDir);
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the runner's directories", e);
            }
            TaskRunner runner = new TaskRunner(this);
            listeners.stream()
                    .filter(RunnerObserver.class::isInstance)
                    .forEach(l -> ((RunnerObserver) l).onAttached(runner));
            return runner;
        }
    }
}
