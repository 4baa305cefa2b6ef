package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the runner refuses before it starts anything, from a JSON spec and from a spec built in Java alike. */
class SpecValidationTest {
    @TempDir
    Path root;

    final FakeDriver fake = new FakeDriver();
    TaskRunner runner;

    @BeforeEach
    void setUp() {
        runner = runner(new NamesWithoutUnderscores());
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.stopAll(Duration.ofSeconds(10));
        runner.close();
    }

    private TaskRunner runner(ServiceRegistry registry) {
        return TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .drivers(DriverRegistry.of(
                        List.of(new FakeDriverFactory(fake), new RawExecDriverFactory()),
                        root.resolve("drivers"),
                        Map.of()))
                .serviceRegistry(registry)
                .hostIp("127.0.0.7")
                .build();
    }

    private static List<String> problems(ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(ValidationException.class);
        return ((ValidationException) thrown)
                .problems().stream().map(ValidationProblem::toString).toList();
    }

    private static List<String> fields(ThrowingCallable call) {
        return problems(call).stream().map(p -> p.substring(0, p.indexOf(": "))).toList();
    }

    @Test
    void parseListsTheParsersTheRulesAndTheDriversProblemsTogetherInPathOrder() {
        String spec = """
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [
                  {"name": "a", "driver": "fake", "colour": "red", "resources": {"memory_mb": -5}},
                  {"name": "b", "driver": "raw_exec", "config": {"args": ["x"]}},
                  {"name": "c", "driver": "nope"}]}]}}
                """;

        assertThat(problems(() -> runner.parse(spec)))
                .containsExactly(
                        "job.groups[0].tasks[0].colour: unknown option",
                        "job.groups[0].tasks[0].resources.memory_mb: must be between 1 and 10000000, got -5",
                        "job.groups[0].tasks[1].config.command: is required",
                        "job.groups[0].tasks[2].driver: unknown driver \"nope\"; drivers found: [fake, raw_exec]");
    }

    @Test
    void aDriversProblemWithTheTasksUserIsAtTheTasksUserField() {
        String spec = """
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [
                  {"name": "a", "driver": "raw_exec", "user": "no-such-user-here", "config": {"command": "/bin/true"}}]}]}}
                """;

        assertThat(problems(() -> runner.parse(spec)))
                .containsExactly("job.groups[0].tasks[0].user: user 'no-such-user-here' does not exist on this host");
    }

    @Test
    void aBridgeGroupNeedsOneDriverThatCreatesGroupNetworksAndTasksWithoutTheirOwnNetworkMode() {
        String spec = """
                {"job": {"name": "j", "groups": [{"name": "g", "network_mode": "bridge", "tasks": [
                  {"name": "a", "driver": "fake", "config": {"network_mode": "host"}},
                  {"name": "b", "driver": "raw_exec", "config": {"command": "/bin/true"}}]}]}}
                """;

        assertThat(problems(() -> runner.parse(spec)))
                .containsExactly(
                        "job.groups[0].tasks[0].config.network_mode: is set by the group's network in network mode"
                                + " \"bridge\"; remove it, or use network mode \"host\"",
                        "job.groups[0].tasks[0].config.network_mode: unknown option",
                        "job.groups[0].tasks[0].driver: network mode \"bridge\" is not supported for the fake"
                                + " driver: only drivers that create group networks (docker, raw_exec, exec,"
                                + " java) run in a bridge group; use network mode \"host\"",
                        "job.groups[0].tasks[1].driver: all tasks of a group in network mode \"bridge\" share one"
                                + " driver's network; the first task uses fake, this one raw_exec");
        assertThat(problems(() -> runner.parse("""
                        {"job": {"name": "j", "groups": [{"name": "g", "network_mode": "cni/x", "tasks": [
                          {"name": "a", "driver": "fake"}]}]}}
                        """)))
                .containsExactly("job.groups[0].network_mode: must be \"host\" or \"bridge\", got \"cni/x\"");
    }

    @Test
    void submitListsEveryDriversProblemsTogether() {
        JobSpec job = JobSpec.batch(
                "j",
                List.of(GroupSpec.of(
                        "g",
                        List.of(
                                task("a", Map.of()),
                                TaskSpec.of("b", "raw_exec", Map.of("args", List.of("x"))),
                                TaskSpec.of("c", "nope", Map.of())))));

        assertThat(fields(() -> runner.submit(job)))
                .containsExactly("job.groups[0].tasks[1].config.command", "job.groups[0].tasks[2].driver");
        assertThat(fake.calls).isEmpty();
    }

    @Test
    void aJobBuiltInCodeCannotBreakTheRulesTheParserAppliesAndNamesTheSameFields() {
        String spec = """
                {"job": {"name": "j", "groups": [
                  {"name": "g", "tasks": [
                    {"name": "a", "driver": "fake", "leader": true,
                     "resources": {"cpu": -1, "memory_mb": -5, "ports": {"http": {}}},
                     "restart": {"attempts": 2, "interval": "0s", "delay": "1s", "mode": "fail", "jitter": "0s"},
                     "services": [{"name": "web", "port": "nope"}]},
                    {"name": "a", "driver": "fake", "leader": true},
                    {"name": "bad name", "driver": "fake", "kill_signal": "TERM"}]},
                  {"name": "g", "tasks": [{"name": "alloc", "driver": "fake"}]}]}}
                """;
        TaskSpec.Builder first = TaskSpec.builder("a", "fake")
                .leader(true)
                .cpu(-1)
                .memoryMb(-5)
                .ports(PortSpec.dynamic("http"))
                .restart(RestartPolicy.builder()
                        .attempts(2)
                        .interval(Duration.ZERO)
                        .delay(Duration.ofSeconds(1))
                        .jitter(Duration.ZERO))
                .service(ServiceSpec.builder("web").port("nope"));
        JobSpec.Builder job = JobSpec.builder("j")
                .group(GroupSpec.builder("g")
                        .task(first)
                        .task(TaskSpec.builder("a", "fake").leader(true))
                        .task(TaskSpec.builder("bad name", "fake").killSignal("TERM")))
                .group(GroupSpec.builder("g").task(TaskSpec.builder("alloc", "fake")));

        List<String> parsed = problems(() -> runner.parse(spec));
        assertThat(problems(job::build)).extracting(p -> "job." + p).containsExactlyInAnyOrderElementsOf(parsed);
        assertThat(parsed)
                .extracting(p -> p.substring(0, p.indexOf(": ")))
                .containsExactly(
                        "job.groups[0].tasks[0].resources.cpu",
                        "job.groups[0].tasks[0].resources.memory_mb",
                        "job.groups[0].tasks[0].restart.interval",
                        "job.groups[0].tasks[0].services[0].port",
                        "job.groups[0].tasks[1].leader",
                        "job.groups[0].tasks[1].name",
                        "job.groups[0].tasks[2].kill_signal",
                        "job.groups[0].tasks[2].name",
                        "job.groups[1].name",
                        "job.groups[1].tasks[0].name");
        assertThat(fake.calls).isEmpty();
    }

    @Test
    void aTaskNamedAllocIsRefusedBecauseItsDirectoryWouldBeTheSharedOne() {
        String reserved = "job.groups[0].tasks[0].name: \"alloc\" is reserved: it is the name of the allocation's"
                + " shared directory";

        assertThat(problems(() -> runner.parse("""
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [{"name": "alloc", "driver": "fake"}]}]}}
                """))).containsExactly(reserved);
        assertThat(problems(() -> task("alloc", Map.of())))
                .extracting(p -> "job.groups[0].tasks[0]." + p)
                .containsExactly(reserved);
        // the same directory on a case-insensitive filesystem
        assertThat(fields(() -> task("Alloc", Map.of()))).containsExactly("name");
    }

    @Test
    void cpuAndMemoryLeftUnsetInJavaAreTheDefaultsAndZeroIsRefusedInJavaAndJson() {
        TaskSpec unset = TaskSpec.of("a", "fake", Map.of());

        assertThat(unset.cpu()).isEqualTo(100);
        assertThat(unset.memoryMb()).isEqualTo(300);
        assertThat(fields(() -> unset.withResources(0, -2))).containsExactly("resources.cpu", "resources.memory_mb");
        assertThat(fields(() -> runner.parse("""
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [{"name": "a", "driver": "fake",
                  "resources": {"cpu": 0, "memory_mb": 0}}]}]}}
                """)))
                .containsExactly("job.groups[0].tasks[0].resources.cpu", "job.groups[0].tasks[0].resources.memory_mb");
    }

    @Test
    void driversValidateAgainstThePortsTheTaskWillBeGrantedOnTheRunnersHostIp() {
        TaskSpec mapped = task("vm", Map.of("port_map", Map.of("http", 8080, "admin", 9000)))
                .withPorts(List.of(PortSpec.dynamic("http"), PortSpec.fixed("admin", 9090)));
        TaskSpec unknown =
                task("vm", Map.of("port_map", Map.of("ssh", 22))).withPorts(List.of(PortSpec.dynamic("http")));

        AllocationHandle alloc = runner.submit(RunnerFixture.job(mapped)).get(0);
        assertThat(fake.lastValidated.resources().ports())
                .extracting(Port::label, Port::hostIp)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("http", "127.0.0.7"),
                        org.assertj.core.groups.Tuple.tuple("admin", "127.0.0.7"));
        assertThat(fake.lastValidated.resources().port("admin"))
                .map(Port::value)
                .contains(9090);
        assertThat(alloc).isNotNull();
        assertThat(problems(() -> runner.submit(RunnerFixture.job(unknown))))
                .containsExactly("job.groups[0].tasks[0].config.port_map.ssh: no port labelled \"ssh\" is granted");
    }

    @Test
    void aDriverThatThrowsWhileCheckingIsAProblemOfTheTaskNotAnException() {
        // raw_exec cannot look an absolute program path with a NUL up (a bare name is looked up only at start)
        TaskSpec nul = TaskSpec.of("a", "raw_exec", Map.of("command", "/bin/sh\u0000"));

        assertThat(problems(() -> runner.submit(RunnerFixture.job(nul))))
                .singleElement()
                .asString()
                .startsWith("job.groups[0].tasks[0].config: the raw_exec driver could not check it: ");
    }

    @Test
    void theRegistrysOwnRulesAreCheckedForEveryServiceUpFront() {
        TaskSpec web = task("web", Map.of())
                .withPorts(List.of(PortSpec.dynamic("http")))
                .withServices(List.of(
                        ServiceSpec.builder("web").port("http").build(),
                        ServiceSpec.builder("web_api").port("http").build()));

        assertThat(problems(() -> runner.submit(RunnerFixture.job(web))))
                .containsExactly("job.groups[0].tasks[0].services[1].name: no '_' here, got \"web_api\"");
        assertThat(problems(() -> runner.parse("""
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [{"name": "web", "driver": "fake",
                  "resources": {"ports": {"http": {}}},
                  "services": [{"name": "web", "port": "http"}, {"name": "web_api", "port": "http"}]}]}]}}
                """)))
                .containsExactly("job.groups[0].tasks[0].services[1].name: no '_' here, got \"web_api\"");
        assertThat(fake.calls).isEmpty();
    }

    /** A registry with one rule of its own. */
    private static final class NamesWithoutUnderscores implements ServiceRegistry {
        @Override
        public List<ValidationProblem> validate(ServiceSpec service) {
            return service.name().contains("_")
                    ? List.of(new ValidationProblem("name", "no '_' here, got \"" + service.name() + "\""))
                    : List.of();
        }

        @Override
        public void registerTask(TaskServices task) {}

        @Override
        public void removeTask(TaskServices task) {}

        @Override
        public void recoveryComplete() {}

        @Override
        public void close() {}
    }
}
