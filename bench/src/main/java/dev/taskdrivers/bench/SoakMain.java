package dev.taskdrivers.bench;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.services.ServiceRegistries;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.services.ServiceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * The soak: start/stop cycles mixed across raw_exec, exec and docker with services in Consul, the Consul agent
 * restarted a third of the way through and the Docker engine two thirds of the way, while one long-running anchor
 * task per driver keeps running. Stopped tasks and anchors ride out the engine restart with restarts; tasks that exit
 * by themselves never restart (their exit code is checked), so docker ones wait while the engine is down. Afterwards it checks that nothing of the soak is left and that every task ended as
 * it should, prints what it checked with the counts, and exits 1 when anything is wrong. Run by scripts/soak.sh.
 */
public final class SoakMain {
    private static final List<String> DRIVERS = List.of("raw_exec", "exec", "docker");
    private static final String ID_PREFIX = "_taskdriverssoak";
    private static final String CGROUP_PARENT = "taskdrivers-soak";
    private static final Duration TASK_LIMIT = Duration.ofMinutes(2);
    /** Restarts that span the engine restart: a second apart, as many as the engine's downtime needs. */
    private static final RestartPolicy RIDE_OUT = RestartPolicy.builder()
            .attempts(20)
            .interval(Duration.ofMinutes(10))
            .delay(Duration.ofSeconds(1))
            .jitter(Duration.ZERO)
            .build();
    /** Anchors run for the whole soak, however many cycles: a day. */
    private static final long ANCHOR_SECONDS = 86_400;

    private static final Duration IMAGE_REMOVAL_DELAY = Duration.ofSeconds(2);
    /** Every this many stopped cycles, the task's service is awaited in Consul before the stop. */
    private static final int CONSUL_SAMPLE_EVERY = 10;

    private final SoakOptions options;
    private final String jobName = "soak" + Long.toHexString(System.currentTimeMillis());
    private final SoakLeftovers leftovers;
    private final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicInteger correct = new AtomicInteger();
    private final Set<Integer> judged = ConcurrentHashMap.newKeySet();
    /**
     * Held for writing while the engine restarts. Docker tasks that exit by themselves take it for reading: they run
     * without restarts so their exit code stays checkable, and so must not start into the outage.
     */
    private final ReadWriteLock engineUp = new ReentrantReadWriteLock();

    private final AtomicInteger consulSeen = new AtomicInteger();
    private final Map<String, String> restarts = new LinkedHashMap<>();

    private SoakMain(SoakOptions options, @Nullable String token) {
        this.options = options;
        this.leftovers = new SoakLeftovers(
                options.work(), jobName, options.image(), CGROUP_PARENT, options.consul(), token, ID_PREFIX);
    }

    public static void main(String[] args) throws Exception {
        SoakOptions options;
        try {
            options = SoakOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.exit(2);
            return;
        }
        String token = options.consulTokenFile() == null
                ? null
                : Files.readString(options.consulTokenFile()).trim();
        System.exit(new SoakMain(options, token).run() ? 0 : 1);
    }

    private boolean run() throws Exception {
        Files.createDirectories(options.work());
        Map<String, String> registryOptions = new LinkedHashMap<>();
        registryOptions.put("address", options.consul().toString());
        registryOptions.put("id_prefix", ID_PREFIX);
        if (options.consulTokenFile() != null) {
            registryOptions.put("token_file", options.consulTokenFile().toString());
        }
        Map<String, Object> docker = new LinkedHashMap<>();
        docker.put("image_gc", Map.of("enabled", true, "delay", IMAGE_REMOVAL_DELAY.toSeconds() + "s"));
        if (options.authConfig() != null) {
            docker.put("auth_config", options.authConfig().toString());
        }
        ServiceRegistry registry = ServiceRegistries.create("consul", registryOptions, SoakMain.class.getClassLoader());
        long began = System.nanoTime();
        List<AllocationHandle> anchors = new ArrayList<>();
        try (TaskRunner runner = TaskRunner.builder()
                .stateDir(options.work().resolve("state"))
                .dataDir(options.work().resolve("data"))
                .serviceRegistry(registry)
                .blockingThreads(16)
                .driverOptions(Map.of("docker", docker, "exec", Map.of("cgroup_parent", CGROUP_PARENT)))
                .build()) {
            try {
                for (String driver : DRIVERS) {
                    String name = "anchor-" + driver.replace('_', '-');
                    anchors.add(runner.submit(job(name, sleeper(name, driver, ANCHOR_SECONDS)))
                            .get(0));
                }
                for (AllocationHandle anchor : anchors) {
                    RunnerTasks.await(
                            anchor, anchor.status().tasks().keySet().iterator().next(), TaskState.RUNNING, TASK_LIMIT);
                }
                runCycles(runner, anchors);
                for (AllocationHandle anchor : anchors) {
                    anchor.stop().get(TASK_LIMIT.toSeconds(), TimeUnit.SECONDS);
                    TaskStatus status =
                            anchor.status().tasks().values().iterator().next();
                    Optional<String> why = new SoakCycle(-1, status.driver(), true, 0).wrongFinalState(status);
                    why.ifPresentOrElse(w -> wrong.add(anchor.name() + ": " + w), correct::incrementAndGet);
                }
            } finally {
                if (!runner.stopAll(Duration.ofMinutes(2))) {
                    problems.add("runner.stopAll did not finish within 2 minutes");
                }
                for (AllocationHandle alloc : runner.allocations()) {
                    runner.forget(alloc.id());
                }
                awaitImageRemoval();
            }
        } finally {
            registry.close();
        }
        double minutes = (System.nanoTime() - began) / 60e9;
        return report(minutes);
    }

    private void runCycles(TaskRunner runner, List<AllocationHandle> anchors) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService lanes = Executors.newFixedThreadPool(options.lanes());
        ExecutorService restarter = Executors.newSingleThreadExecutor();
        List<Future<?>> work = new ArrayList<>();
        List<Future<?>> restartsDone = new CopyOnWriteArrayList<>();
        int consulAt = options.cycles() / 3;
        int dockerAt = 2 * options.cycles() / 3;
        for (int l = 0; l < options.lanes(); l++) {
            work.add(lanes.submit(() -> {
                for (int i = next.getAndIncrement(); i < options.cycles(); i = next.getAndIncrement()) {
                    if (i == consulAt) {
                        restartsDone.add(restarter.submit(() -> restartConsul(anchors)));
                    } else if (i == dockerAt) {
                        restartsDone.add(restarter.submit(() -> restartDocker(anchors)));
                    }
                    cycle(runner, SoakCycle.of(i, DRIVERS));
                    if ((i + 1) % 100 == 0) {
                        System.out.printf("%d cycles started, %d correct so far%n", i + 1, correct.get());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        lanes.shutdown();
        restarter.shutdown();
        if (!restarter.awaitTermination(5, TimeUnit.MINUTES)) {
            problems.add("a service restart did not finish within 5 minutes");
        }
        for (Future<?> f : restartsDone) {
            try {
                f.get();
            } catch (ExecutionException e) {
                problems.add("service restart: " + e.getCause());
            }
        }
    }

    private void cycle(TaskRunner runner, SoakCycle c) {
        AllocationHandle alloc = null;
        judged.add(c.index());
        try {
            TaskSpec task = c.stopped()
                    ? sleeper(c.name(), c.driver(), 600)
                    : RunnerTasks.command(
                                    c.name(),
                                    c.driver(),
                                    options.image(),
                                    List.of("/bin/sh", "-c", "exit " + c.exitCode()))
                            .withRestart(RestartPolicy.NEVER);
            boolean gated = !c.stopped() && c.driver().equals("docker");
            if (gated) {
                engineUp.readLock().lock();
            }
            try {
                alloc = runner.submit(job("cycles", task)).get(0);
                if (gated) {
                    alloc.completion().get(TASK_LIMIT.toSeconds(), TimeUnit.SECONDS);
                }
            } finally {
                if (gated) {
                    engineUp.readLock().unlock();
                }
            }
            if (c.stopped()) {
                RunnerTasks.await(alloc, c.name(), TaskState.RUNNING, TASK_LIMIT);
                if (c.index() / DRIVERS.size() % CONSUL_SAMPLE_EVERY == 0) {
                    awaitInConsul(alloc.id(), c.name());
                }
                alloc.stop().get(TASK_LIMIT.toSeconds(), TimeUnit.SECONDS);
            } else {
                alloc.completion().get(TASK_LIMIT.toSeconds(), TimeUnit.SECONDS);
            }
            TaskStatus status = alloc.status().tasks().get(c.name());
            Optional<String> why = c.wrongFinalState(status);
            if (why.isPresent()) {
                record(c.name() + ": " + why.get()
                        + (status == null ? "" : ", events " + RunnerTasks.lastEvents(status)));
            } else {
                correct.incrementAndGet();
            }
        } catch (Exception e) {
            record(c.name() + ": " + e);
            if (alloc != null) {
                try {
                    alloc.stop().get(TASK_LIMIT.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception stopFailed) {
                    record(c.name() + ": stop after failure failed: " + stopFailed);
                }
            }
        } finally {
            if (alloc != null && alloc.completion().isDone()) {
                try {
                    runner.forget(alloc.id());
                } catch (RuntimeException e) {
                    record(c.name() + ": forget failed: " + e);
                }
            }
        }
    }

    private void awaitInConsul(String allocId, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!inConsul(allocId)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("service of " + name + " not in Consul within 30 s");
            }
            Thread.sleep(50);
        }
        consulSeen.incrementAndGet();
    }

    private boolean inConsul(String allocId) throws InterruptedException {
        try {
            return !leftovers.consulServices(allocId).isEmpty();
        } catch (IOException e) {
            return false; // the agent is still coming up after its restart
        }
    }

    /**
     * The driver removes the soak's image once no task used it for its delay, while the runner (and so the driver)
     * is open: wait for that before closing it.
     */
    private void awaitImageRemoval() throws Exception {
        long deadline = System.nanoTime() + IMAGE_REMOVAL_DELAY.plusSeconds(30).toNanos();
        while (!Commands.lines("docker", "images", "-q", options.image()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
    }

    /** Restarts the agent (a dev agent forgets every service) and times until every anchor's service is back. */
    private Void restartConsul(List<AllocationHandle> anchors) throws Exception {
        Commands.lines(restartCommand("consul"));
        long begin = System.nanoTime();
        for (AllocationHandle anchor : anchors) {
            awaitInConsul(anchor.id(), anchor.name());
        }
        synchronized (restarts) {
            restarts.put(
                    "consul agent restarted",
                    String.format(
                            java.util.Locale.ROOT,
                            "anchors' services back in Consul %.1f s after the agent was up again",
                            (System.nanoTime() - begin) / 1e9));
        }
        return null;
    }

    /** Restarts the engine (its containers die with it) and waits until the docker anchor runs again. */
    private Void restartDocker(List<AllocationHandle> anchors) throws Exception {
        engineUp.writeLock().lock();
        try {
            Commands.lines(restartCommand("docker"));
        } finally {
            engineUp.writeLock().unlock();
        }
        long begin = System.nanoTime();
        AllocationHandle anchor = anchors.get(DRIVERS.indexOf("docker"));
        String task = anchor.status().tasks().keySet().iterator().next();
        long deadline = begin + TASK_LIMIT.toNanos();
        TaskStatus status = Objects.requireNonNull(anchor.status().tasks().get(task), "status of the docker anchor");
        while (status.state() != TaskState.RUNNING || status.restarts() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("docker anchor not running again after the engine restart: "
                        + status.state() + ", restarts " + status.restarts());
            }
            Thread.sleep(100);
            status = anchor.status().tasks().get(task);
        }
        synchronized (restarts) {
            restarts.put(
                    "docker engine restarted",
                    String.format(
                            java.util.Locale.ROOT,
                            "docker anchor running again (restarts %d) %.1f s after the engine was up again",
                            status.restarts(),
                            (System.nanoTime() - begin) / 1e9));
        }
        return null;
    }

    private List<String> restartCommand(String service) {
        List<String> argv = new ArrayList<>(options.restartCommand());
        argv.add(service);
        return argv;
    }

    private TaskSpec sleeper(String name, String driver, long seconds) {
        ServiceSpec service = ServiceSpec.builder("soak-" + driver.replace('_', '-'))
                .tag("soak")
                .build();
        return RunnerTasks.command(name, driver, options.image(), List.of("/bin/sleep", Long.toString(seconds)))
                .withServices(List.of(service))
                .withRestart(RIDE_OUT);
    }

    private JobSpec job(String group, TaskSpec task) {
        return JobSpec.of(jobName, List.of(GroupSpec.of(group, List.of(task))));
    }

    private void record(String problem) {
        wrong.add(problem);
    }

    /** Prints what was checked with the counts; whether everything was right. */
    private boolean report(double minutes) throws Exception {
        // consul deregistrations and container removals may trail the runner's close by a moment
        Map<String, List<String>> left = leftovers.find();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (left.values().stream().anyMatch(l -> !l.isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            left = leftovers.find();
        }
        leftovers.removeEmptyCgroupParents();
        int total = options.cycles() + DRIVERS.size();
        System.out.println();
        System.out.printf(
                "soak: %d cycles (%s) plus %d anchor tasks in %.1f min, %d lanes%n",
                options.cycles(), String.join(", ", DRIVERS), DRIVERS.size(), minutes, options.lanes());
        restarts.forEach((what, result) -> System.out.println("  " + what + ": " + result));
        System.out.printf("  services seen in Consul while their task ran: %d sampled%n", consulSeen.get());
        System.out.printf(
                "  final task states correct: %d of %d (%d wrong, %d cycles never run)%n",
                correct.get(), total, wrong.size(), options.cycles() - judged.size());
        wrong.stream().limit(20).forEach(w -> System.out.println("    WRONG " + w));
        if (wrong.size() > 20) {
            System.out.println("    ... and " + (wrong.size() - 20) + " more");
        }
        problems.forEach(p -> System.out.println("  PROBLEM " + p));
        boolean clean = true;
        for (Map.Entry<String, List<String>> e : left.entrySet()) {
            System.out.printf(
                    "  leaked %-16s %d%n", e.getKey() + ":", e.getValue().size());
            e.getValue().stream().limit(5).forEach(v -> System.out.println("    " + v));
            clean &= e.getValue().isEmpty();
        }
        boolean ok = clean && wrong.isEmpty() && problems.isEmpty() && correct.get() == total && restarts.size() == 2;
        System.out.println(ok ? "soak: PASSED" : "soak: FAILED");
        if (Objects.requireNonNull(left.get("mounts"), "mounts").isEmpty()) {
            RunnerTasks.deleteTree(options.work());
        } else {
            System.out.println("  work directory kept (mounts remain under it): " + options.work());
        }
        return ok;
    }
}
