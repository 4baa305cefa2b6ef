package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Capabilities;
import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.GroupNetwork;
import dev.taskdrivers.api.GroupNetworkRequest;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.internal.state.PersistedTask;
import dev.taskdrivers.runner.internal.state.TaskStateCodec;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the runner creates, joins and destroys a bridge group's network, against a fake driver that records its calls:
 * created before any task is prepared, with every task's granted ports; joined by each start; destroyed after the
 * last task's cleanup, also when the tasks failed and when creating it failed.
 */
class GroupNetworkLifecycleTest {
    @TempDir
    Path root;

    final FakeDriver fake = new FakeDriver();
    final NetworkingDriver driver = new NetworkingDriver(fake);
    TaskRunner runner;

    @BeforeEach
    void setUp() {
        runner = newRunner();
    }

    private TaskRunner newRunner() {
        return TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .drivers(DriverRegistry.of(List.of(new FakeDriverFactory(driver)), root.resolve("drivers"), Map.of()))
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.stopAll(Duration.ofSeconds(10));
        runner.close();
    }

    private static JobSpec bridgeJob(Map<String, Object> bConfig) {
        return JobSpec.batch(
                "j",
                List.of(GroupSpec.builder("g")
                        .networkMode(GroupSpec.BRIDGE_NETWORK)
                        .task(task("a", Map.of("run_ms", 50)).toBuilder().ports(List.of(PortSpec.dynamic("http"))))
                        .task(task("b", bConfig))
                        .build()));
    }

    @Test
    void theNetworkIsCreatedBeforeThePrestartsJoinedByTheStartsAndDestroyedAfterTheLastCleanup() throws Exception {
        AllocationHandle alloc = runner.submit(bridgeJob(Map.of("run_ms", 100))).get(0);
        AllocationStatus status = alloc.await(Duration.ofSeconds(30));

        assertThat(status.failed()).as("%s", status).isFalse();
        List<String> calls = fake.calls;
        assertThat(calls.get(0)).isEqualTo("createGroupNetwork a[http],b[]");
        assertThat(calls.get(calls.size() - 1)).isEqualTo("destroyGroupNetwork " + alloc.id());
        assertThat(calls)
                .contains("cleanup a", "cleanup b")
                .filteredOn(c -> c.startsWith("prestart"))
                .hasSize(2);
        assertThat(driver.startedConfigs.get("a")).containsEntry("network_mode", "container:net-" + alloc.id());
        assertThat(driver.startedConfigs.get("b")).containsEntry("network_mode", "container:net-" + alloc.id());
    }

    @Test
    void aFailedTaskAndAStopStillDestroyTheNetwork() throws Exception {
        AllocationHandle failed =
                runner.submit(bridgeJob(Map.of("fail_start", "fatal"))).get(0);
        assertThat(failed.await(Duration.ofSeconds(30)).failed()).isTrue();
        assertThat(fake.calls).endsWith("destroyGroupNetwork " + failed.id());

        AllocationHandle stopped = runner.submit(JobSpec.of(
                        "s",
                        List.of(GroupSpec.builder("g")
                                .networkMode(GroupSpec.BRIDGE_NETWORK)
                                .task(task("long", Map.of("run_ms", -1)))
                                .build())))
                .get(0);
        stopped.stop().get();
        assertThat(fake.calls).endsWith("destroyGroupNetwork " + stopped.id());
    }

    @Test
    void whenTheNetworkCannotBeCreatedEveryTaskFailsWithTheDriversErrorAndNothingIsLeft() throws Exception {
        driver.failCreate.set(true);

        AllocationHandle alloc = runner.submit(bridgeJob(Map.of("run_ms", 100))).get(0);
        AllocationStatus status = alloc.await(Duration.ofSeconds(30));

        assertThat(status.tasks().values())
                .allSatisfy(t -> assertThat(t.failed()).isTrue());
        for (String task : List.of("a", "b")) {
            assertThat(alloc.events(task))
                    .as("a fatal failure is not tried again, and the event says what failed")
                    .filteredOn(e -> e.type() == TaskEventType.SETUP_FAILURE)
                    .singleElement()
                    .satisfies(e -> {
                        assertThat(e.message())
                                .isEqualTo("failed to set up the group's network: fake engine refused the network");
                        assertThat(e.details()).containsEntry("recoverable", "false");
                    });
        }
        assertThat(fake.calls)
                .filteredOn(c -> c.startsWith("createGroupNetwork"))
                .hasSize(1);
        assertThat(fake.calls).noneMatch(c -> c.startsWith("prestart") || c.startsWith("start"));
        assertThat(fake.calls).endsWith("destroyGroupNetwork " + alloc.id());
    }

    private static GroupSpec.Builder bridgeGroup(RestartPolicy policy, TaskSpec... tasks) {
        GroupSpec.Builder g =
                GroupSpec.builder("g").networkMode(GroupSpec.BRIDGE_NETWORK).restart(policy);
        for (TaskSpec t : tasks) {
            g.task(t);
        }
        return g;
    }

    private List<String> calls(String prefix) {
        return fake.calls.stream().filter(c -> c.startsWith(prefix)).toList();
    }

    @Test
    void aRecoverableFailureIsTriedAgainAsTheGroupsRestartPolicyAllowsWithAWaitingEventThenTheTasksRun()
            throws Exception {
        driver.busyCreates.set(2);
        RestartPolicy twoMore =
                RunnerFixture.restart(2, Duration.ofMinutes(5), Duration.ofMillis(50), RestartPolicy.Mode.FAIL);

        AllocationHandle alloc = runner.submit(JobSpec.batch(
                        "j",
                        List.of(bridgeGroup(twoMore, task("a", Map.of("run_ms", 50)), task("b", Map.of("run_ms", 50)))
                                .build())))
                .get(0);
        AllocationStatus status = alloc.await(Duration.ofSeconds(30));

        assertThat(status.failed()).as("%s", status).isFalse();
        assertThat(calls("createGroupNetwork")).hasSize(3);
        for (String task : List.of("a", "b")) {
            assertThat(alloc.events(task))
                    .filteredOn(e -> e.type() == TaskEventType.WAITING)
                    .hasSize(2)
                    .allSatisfy(e -> {
                        assertThat(e.message())
                                .startsWith("Waiting for the group's network: failed to set up the group's network:"
                                        + " fake engine busy; trying again in ");
                        assertThat(e.details()).containsEntry("recoverable", "true");
                    });
            assertThat(RunnerFixture.types(alloc.events(task)))
                    .containsSubsequence(TaskEventType.WAITING, TaskEventType.STARTED);
        }
        assertThat(driver.startedConfigs.get("a")).containsEntry("network_mode", "container:net-" + alloc.id());
        assertThat(calls("destroyGroupNetwork")).containsExactly("destroyGroupNetwork " + alloc.id());
    }

    @Test
    void recoverableFailuresBeyondThePolicysAttemptsFailEveryTaskWithTheReasonAndLeaveNothing() throws Exception {
        driver.busyCreates.set(5);
        RestartPolicy oneMore =
                RunnerFixture.restart(1, Duration.ofMinutes(5), Duration.ofMillis(20), RestartPolicy.Mode.FAIL);

        AllocationHandle alloc = runner.submit(JobSpec.batch(
                        "j",
                        List.of(bridgeGroup(oneMore, task("a", Map.of("run_ms", 50)), task("b", Map.of("run_ms", 50)))
                                .build())))
                .get(0);
        AllocationStatus status = alloc.await(Duration.ofSeconds(30));

        assertThat(status.failed()).isTrue();
        assertThat(status.tasks().values())
                .allSatisfy(t -> assertThat(t.failed()).isTrue());
        assertThat(calls("createGroupNetwork")).hasSize(2);
        assertThat(alloc.events("a"))
                .filteredOn(e -> e.type() == TaskEventType.SETUP_FAILURE)
                .singleElement()
                .satisfies(e -> assertThat(e.message())
                        .isEqualTo("failed to set up the group's network: fake engine busy; not trying again:"
                                + " Exceeded allowed attempts 1 in interval 5m0s and mode is \"fail\""));
        assertThat(fake.calls).noneMatch(c -> c.startsWith("prestart") || c.startsWith("start"));
        assertThat(calls("destroyGroupNetwork")).containsExactly("destroyGroupNetwork " + alloc.id());
        assertThat(driver.networks).isEmpty();
    }

    @Test
    void aStopWhileTheTasksWaitForTheNetworkEndsThemUnstartedAndDestroysWhatMayBeLeft() throws Exception {
        driver.busyCreates.set(1);
        RestartPolicy slow =
                RunnerFixture.restart(3, Duration.ofMinutes(5), Duration.ofMinutes(1), RestartPolicy.Mode.FAIL);
        AllocationHandle alloc = runner.submit(JobSpec.service(
                        "j",
                        List.of(bridgeGroup(slow, task("a", Map.of("run_ms", -1)))
                                .build())))
                .get(0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> RunnerFixture.types(alloc.events("a")).contains(TaskEventType.WAITING));

        AllocationStatus status = alloc.stop().get(10, TimeUnit.SECONDS);

        assertThat(status.failed()).isFalse();
        assertThat(alloc.events("a"))
                .filteredOn(e -> e.type() == TaskEventType.KILLED)
                .singleElement()
                .satisfies(e -> assertThat(e.message()).contains("before it started"));
        assertThat(calls("createGroupNetwork")).hasSize(1);
        assertThat(fake.calls).noneMatch(c -> c.startsWith("start"));
        assertThat(calls("destroyGroupNetwork")).containsExactly("destroyGroupNetwork " + alloc.id());
    }

    @Test
    void aRestartedRunnerReattachesWithoutAskingTheDriverRestartsATaskIntoTheSameNetworkAndDestroysItOnce()
            throws Exception {
        AllocationHandle first = runner.submit(JobSpec.service(
                        "j",
                        List.of(bridgeGroup(
                                        RestartPolicy.NEVER,
                                        task("a", Map.of("run_ms", -1)),
                                        task("b", Map.of("run_ms", -1)))
                                .build())))
                .get(0);
        String allocId = first.id();
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.running.size() == 2);
        runner.close();
        assertThat(stateOf(allocId, "a").groupNetwork())
                .as("the state names the mode and the network")
                .isEqualTo(new PersistedTask.GroupNetworkRecord(
                        "bridge",
                        FakeDriver.NAME,
                        "net-" + allocId,
                        Map.of("network_mode", "container:net-" + allocId),
                        false));

        runner = newRunner();
        assertThat(runner.recover().reattached()).isEqualTo(2);
        assertThat(calls("findGroupNetwork"))
                .as("a reattach costs no driver call")
                .isEmpty();
        AllocationHandle recovered = runner.allocation(allocId).orElseThrow();
        driver.startedConfigs.clear();
        recovered.restart("a");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(driver.startedConfigs)
                        .as("%s", recovered.events("a"))
                        .containsKey("a"));

        assertThat(driver.startedConfigs.get("a")).containsEntry("network_mode", "container:net-" + allocId);
        assertThat(calls("findGroupNetwork")).containsExactly("findGroupNetwork " + allocId);
        assertThat(calls("createGroupNetwork")).hasSize(1);
        recovered.stop().get(10, TimeUnit.SECONDS);
        assertThat(calls("destroyGroupNetwork")).containsExactly("destroyGroupNetwork " + allocId);
        assertThat(stateOf(allocId, "b").groupNetwork().destroyed()).isTrue();
        runner.close();

        runner = newRunner();
        runner.recover();
        assertThat(runner.allocation(allocId)
                        .orElseThrow()
                        .await(Duration.ofSeconds(10))
                        .finished())
                .isTrue();
        assertThat(calls("destroyGroupNetwork")).as("destroyed once").hasSize(1);
    }

    @Test
    void aRestoredTaskStartingAgainCreatesTheNetworkAgainWhenItIsGone() throws Exception {
        AllocationHandle first = runner.submit(JobSpec.service(
                        "j",
                        List.of(bridgeGroup(RestartPolicy.NEVER, task("a", Map.of("run_ms", -1)))
                                .build())))
                .get(0);
        String allocId = first.id();
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.running.size() == 1);
        runner.close();
        driver.networks.clear(); // e.g. removed by hand while no runner watched
        fake.running.clear(); // and the task with it

        runner = newRunner();
        assertThat(runner.recover().relaunched()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.running.size() == 1);

        assertThat(driver.startedConfigs.get("a")).containsEntry("network_mode", "container:net-" + allocId + "-1");
        assertThat(calls("createGroupNetwork")).hasSize(2);
        AllocationHandle recovered = runner.allocation(allocId).orElseThrow();
        recovered.stop().get(10, TimeUnit.SECONDS);
        assertThat(driver.networks).isEmpty();
    }

    @Test
    void aStateOfTheFormatBeforeTheModeWasKeptStillFindsJoinsAndDestroysTheNetwork() throws Exception {
        AllocationHandle first = runner.submit(JobSpec.service(
                        "j",
                        List.of(bridgeGroup(RestartPolicy.NEVER, task("a", Map.of("run_ms", -1)))
                                .build())))
                .get(0);
        String allocId = first.id();
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.running.size() == 1);
        runner.close();
        Path file = root.resolve("state").resolve(allocId).resolve("a.json");
        String current = Files.readString(file);
        String format5 = current.replace("\"format\":" + TaskStateCodec.FORMAT + ",", "\"format\":5,")
                .replaceAll(",\"groupNetwork\":\\{.*\\}\\}$", "}");
        assertThat(format5)
                .startsWith("{\"format\":5,")
                .doesNotContain("groupNetwork")
                .endsWith("}");
        Files.writeString(file, format5);

        runner = newRunner();
        assertThat(runner.recover().reattached()).isEqualTo(1);
        AllocationHandle recovered = runner.allocation(allocId).orElseThrow();
        driver.startedConfigs.clear();
        recovered.restart("a");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(driver.startedConfigs)
                        .as("%s", recovered.events("a"))
                        .containsKey("a"));

        assertThat(driver.startedConfigs.get("a")).containsEntry("network_mode", "container:net-" + allocId);
        assertThat(calls("createGroupNetwork")).hasSize(1);
        recovered.stop().get(10, TimeUnit.SECONDS);
        assertThat(calls("destroyGroupNetwork")).containsExactly("destroyGroupNetwork " + allocId);
    }

    @Test
    void aLeaderThatEndedWhileNoRunnerRanStopsASiblingTakenOverAfterItAndTheNetworkGoes() throws Exception {
        TaskSpec leader = task("a", Map.of("run_ms", -1)).withLeader(true);
        AllocationHandle first = runner.submit(JobSpec.service(
                        "j",
                        List.of(bridgeGroup(RestartPolicy.NEVER, leader, task("b", Map.of("run_ms", -1)))
                                .build())))
                .get(0);
        String allocId = first.id();
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.running.size() == 2);
        runner.close();
        fake.running.get(allocId + "/a").exit.complete(ExitResult.exited(0)); // while no runner watched
        TaskRunner second = newRunner();
        runner = second;
        // the sibling is taken over only once the leader's end was handled: its kill comes before its reattach
        driver.beforeRecover = name -> {
            if (name.equals("b")) {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> RunnerFixture.types(
                                        second.allocation(allocId).orElseThrow().events("b"))
                                .contains(TaskEventType.LEADER_TASK_DEAD));
            }
        };

        second.recover();
        AllocationStatus status = second.allocation(allocId).orElseThrow().await(Duration.ofSeconds(10));

        assertThat(status.tasks().get("b").state()).isEqualTo(TaskState.DEAD);
        assertThat(fake.running.get(allocId + "/b").exit).isDone();
        assertThat(calls("destroyGroupNetwork")).containsExactly("destroyGroupNetwork " + allocId);
    }

    private PersistedTask stateOf(String allocId, String task) throws Exception {
        return TaskStateCodec.standard()
                .decode(Files.readAllBytes(
                        root.resolve("state").resolve(allocId).resolve(task + ".json")));
    }

    /** A {@link FakeDriver} that also creates group networks, recording its calls in the fake's. */
    static final class NetworkingDriver implements Driver {
        private final FakeDriver delegate;
        final Map<String, Map<String, Object>> startedConfigs = new ConcurrentHashMap<>();
        final AtomicBoolean failCreate = new AtomicBoolean();
        /** Recoverable failures the next creates throw, one each, before one succeeds. */
        final AtomicInteger busyCreates = new AtomicInteger();
        /** The networks it holds, by allocation, as an engine keeps them across runner restarts. */
        final Map<String, GroupNetwork> networks = new ConcurrentHashMap<>();

        private final Map<String, Integer> generations = new ConcurrentHashMap<>();
        /** Runs before each recover, with the task's name. */
        volatile java.util.function.Consumer<String> beforeRecover = name -> {};

        NetworkingDriver(FakeDriver delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean createsGroupNetworks() {
            return true;
        }

        @Override
        public GroupNetwork createGroupNetwork(GroupNetworkRequest request) {
            delegate.calls.add("createGroupNetwork "
                    + String.join(
                                    ",",
                                    request.tasks().stream()
                                            .map(t -> t.id().taskName()
                                                    + t.resources().ports().stream()
                                                            .map(p -> p.label())
                                                            .toList())
                                            .toList())
                            .replace(", ", ","));
            if (failCreate.get()) {
                throw DriverException.fatal(ErrorCode.EXTERNAL, "fake engine refused the network");
            }
            if (busyCreates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw DriverException.recoverable(ErrorCode.EXTERNAL, "fake engine busy", null);
            }
            return networks.computeIfAbsent(request.allocId(), a -> {
                int generation = generations.merge(a, 1, Integer::sum) - 1; // a network created again gets a new id
                String id = "net-" + a + (generation == 0 ? "" : "-" + generation);
                return GroupNetwork.builder(id)
                        .taskOption("network_mode", "container:" + id)
                        .build();
            });
        }

        @Override
        public Optional<GroupNetwork> findGroupNetwork(String allocId) {
            delegate.calls.add("findGroupNetwork " + allocId);
            return Optional.ofNullable(networks.get(allocId));
        }

        @Override
        public void destroyGroupNetwork(String allocId) {
            delegate.calls.add("destroyGroupNetwork " + allocId);
            networks.remove(allocId);
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
            Map<String, Object> own = new java.util.LinkedHashMap<>(task.driverConfig());
            own.remove("network_mode"); // the option that joins the network is this driver's
            return delegate.validate(task.withDriverConfig(own));
        }

        @Override
        public PrestartResult prestart(TaskConfig task, EventEmitter events) {
            return delegate.prestart(task, events);
        }

        @Override
        public StartResult start(TaskConfig task, EventEmitter events) {
            startedConfigs.put(task.id().taskName(), task.driverConfig());
            return delegate.start(task, events);
        }

        @Override
        public TaskHandle recover(TaskConfig task, HandleState state, EventEmitter events) {
            beforeRecover.accept(task.id().taskName());
            return delegate.recover(task, state, events);
        }

        @Override
        public Optional<TaskHandle> findUnrecorded(TaskConfig task, EventEmitter events) {
            return delegate.findUnrecorded(task, events);
        }

        @Override
        public void cleanup(TaskConfig task, CreatedResources resources) {
            delegate.cleanup(task, resources);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
