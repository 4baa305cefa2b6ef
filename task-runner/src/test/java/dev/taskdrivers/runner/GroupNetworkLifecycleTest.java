package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.Capabilities;
import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
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
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
        runner = TaskRunner.builder()
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
        assertThat(alloc.events("a"))
                .anySatisfy(e -> assertThat(e.message()).isEqualTo("fake engine refused the network"));
        assertThat(fake.calls).noneMatch(c -> c.startsWith("prestart") || c.startsWith("start"));
        assertThat(fake.calls).endsWith("destroyGroupNetwork " + alloc.id());
    }

    /** A {@link FakeDriver} that also creates group networks, recording its calls in the fake's. */
    static final class NetworkingDriver implements Driver {
        private final FakeDriver delegate;
        final Map<String, Map<String, Object>> startedConfigs = new ConcurrentHashMap<>();
        final AtomicBoolean failCreate = new AtomicBoolean();

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
            String id = "net-" + request.allocId();
            return GroupNetwork.builder(id)
                    .taskOption("network_mode", "container:" + id)
                    .build();
        }

        @Override
        public void destroyGroupNetwork(String allocId) {
            delegate.calls.add("destroyGroupNetwork " + allocId);
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
            return delegate.validate(task);
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
