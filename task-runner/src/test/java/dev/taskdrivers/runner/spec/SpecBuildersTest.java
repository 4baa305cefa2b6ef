package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each rule of the job model, as the spec builders apply it: a spec object that exists is a valid one. */
class SpecBuildersTest {

    private static List<String> refused(Runnable build) {
        Throwable thrown = catchThrowable(build::run);
        assertThat(thrown).isInstanceOf(ValidationException.class);
        return ((ValidationException) thrown)
                .problems().stream().map(ValidationProblem::toString).toList();
    }

    private static TaskSpec.Builder task(String name) {
        return TaskSpec.builder(name, "raw_exec").config(Map.of("command", "/bin/true"));
    }

    @Test
    void aTaskLeftAloneGetsTheSameDefaultsAsInJson() {
        TaskSpec task = task("web").build();

        assertThat(task.cpu()).isEqualTo(100);
        assertThat(task.memoryMb()).isEqualTo(300);
        assertThat(task.killTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(task.killSignal()).isEqualTo("SIGTERM");
        assertThat(task.leader()).isFalse();
        assertThat(task.restart()).isNull();
        assertThat(task.user()).isNull();
        assertThat(task.ports()).isEmpty();
        assertThat(task.services()).isEmpty();
        assertThat(task).isEqualTo(TaskSpec.of("web", "raw_exec", Map.of("command", "/bin/true")));
    }

    @Test
    void aTaskNeedsASafeNameThatIsNotTheSharedDirectoryAndADriver() {
        assertThat(refused(() -> TaskSpec.builder("", " ").build()))
                .containsExactly("name: must not be empty", "driver: must not be empty");
        assertThat(refused(() -> task("bad name").build()))
                .singleElement()
                .asString()
                .startsWith("name: must be 1-128 letters, digits");
        assertThat(refused(() -> task("Alloc").build()))
                .containsExactly("name: \"Alloc\" is reserved: it is the name of the allocation's shared directory");
    }

    @Test
    void cpuAndMemoryMustBeWithinTheirLimits() {
        assertThat(refused(() -> task("t").cpu(0).memoryMb(-1).build()))
                .containsExactly(
                        "resources.cpu: must be between 1 and 1000000, got 0",
                        "resources.memory_mb: must be between 1 and 10000000, got -1");
        assertThat(refused(() -> task("t").cpu(1_000_001).memoryMb(10_000_001).build()))
                .hasSize(2);
        assertThat(task("t").cpu(1).memoryMb(10_000_000).build().memoryMb()).isEqualTo(10_000_000);
    }

    @Test
    void portLabelsAndFixedPortsAreUsedOnce() {
        assertThat(refused(() -> task("t")
                        .ports(PortSpec.dynamic("http"), PortSpec.fixed("http", 8080), PortSpec.fixed("admin", 8080))
                        .build()))
                .containsExactly(
                        "resources.ports.http: port label \"http\" is used twice",
                        "resources.ports.admin.static: port 8080 is used twice");
    }

    @Test
    void aPortHasALabelOfSafeCharactersAndAFixedOneIsAPortNumber() {
        assertThat(refused(() -> PortSpec.dynamic("a b")))
                .containsExactly("a b: port label must be 1-64 letters, digits, '_' or '-'");
        assertThat(refused(() -> PortSpec.fixed("http", 0)))
                .containsExactly("http.static: must be between 1 and 65535, got 0");
        assertThat(refused(() -> PortSpec.fixed("http", 65536))).hasSize(1);
        assertThat(PortSpec.fixed("http", 65535).isDynamic()).isFalse();
        assertThat(PortSpec.dynamic("http").isDynamic()).isTrue();
    }

    @Test
    void aServiceOrCheckPortMustBeAPortOfTheTask() {
        TaskSpec.Builder task = task("t")
                .ports(PortSpec.dynamic("http"))
                .service(ServiceSpec.builder("web")
                        .port("htp")
                        .check(CheckSpec.tcp().port("admin")));

        assertThat(refused(() -> GroupSpec.builder("g").task(task).build()))
                .containsExactly(
                        "tasks[0].services[0].port: no port labelled \"htp\" in resources.ports (labels: [http])",
                        "tasks[0].services[0].checks[0].port: no port labelled \"admin\" in resources.ports"
                                + " (labels: [http])");
    }

    @Test
    void aServiceOrCheckMayNameAPortNumberThatNoLabelNamesAsInNomad() {
        GroupSpec group = GroupSpec.builder("g")
                .task(task("t")
                        .service(ServiceSpec.builder("web")
                                .port("9001")
                                .check(CheckSpec.tcp().port("9002"))))
                .build();

        assertThat(group.tasks().get(0).services().get(0).portLabel()).isEqualTo("9001");
        assertThat(refused(() -> GroupSpec.builder("g")
                        .task(task("t").service(ServiceSpec.builder("web").port("70000")))
                        .build()))
                .containsExactly("tasks[0].services[0].port: no port labelled \"70000\" in resources.ports (labels: [])"
                        + ", and as a port number it must be from 1 to 65535");
    }

    @Test
    void aServiceOrCheckMayNameAPortOfTheGroupsNetworkGrantedToAnotherTask() {
        GroupSpec group = GroupSpec.builder("g")
                .task(task("server").ports(PortSpec.dynamic("http").inGroupNetwork()))
                .task(task("sidecar")
                        .service(ServiceSpec.builder("web")
                                .port("http")
                                .check(CheckSpec.http("/").port("http"))))
                .build();

        assertThat(group.tasks().get(1).services().get(0).portLabel()).isEqualTo("http");
    }

    @Test
    void anotherTasksOwnPortIsNotTheGroupsAndEveryUnknownLabelIsNamedWithTheLabelsThereAre() {
        GroupSpec.Builder group = GroupSpec.builder("g")
                .task(task("server")
                        .ports(PortSpec.dynamic("http").inGroupNetwork(), PortSpec.dynamic("metrics"))
                        .service(ServiceSpec.builder("own").port("htp")))
                .task(task("sidecar")
                        .ports(PortSpec.dynamic("admin"))
                        .service(ServiceSpec.builder("web")
                                .port("metrics")
                                .check(CheckSpec.tcp().port("htp"))));

        assertThat(refused(group::build))
                .containsExactly(
                        "tasks[0].services[0].port: no port labelled \"htp\" in resources.ports"
                                + " (labels: [http, metrics])",
                        "tasks[1].services[0].port: no port labelled \"metrics\" in resources.ports (labels: [admin])"
                                + " or in the group's network (labels of other tasks' group ports: [http])",
                        "tasks[1].services[0].checks[0].port: no port labelled \"htp\" in resources.ports"
                                + " (labels: [admin]) or in the group's network (labels of other tasks' group ports:"
                                + " [http])");
    }

    @Test
    void aServicesOwnProblemsAreNamedUnderTheTask() {
        assertThat(refused(() -> task("t")
                        .ports(PortSpec.dynamic("http"))
                        .service(ServiceSpec.builder("web")
                                .port("http")
                                .check(CheckSpec.http("/").timeout(Duration.ZERO)))
                        .build()))
                .containsExactly("services[0].checks[0].timeout: must be longer than 0");
    }

    @Test
    void killSettingsAreANonNegativeTimeoutAndASignalName() {
        assertThat(refused(() -> task("t")
                        .killTimeout(Duration.ofSeconds(-1))
                        .killSignal("TERM")
                        .build()))
                .containsExactly(
                        "kill_timeout: must not be negative",
                        "kill_signal: must be a signal name like SIGTERM, got \"TERM\"");
        assertThat(task("t").kill(Duration.ZERO, "SIGINT").build().killSignal()).isEqualTo("SIGINT");
    }

    @Test
    void aRestartPolicyHasNoNegativesAndAWindowWhenItAllowsAttempts() {
        assertThat(refused(() -> RestartPolicy.builder()
                        .attempts(-1)
                        .delay(Duration.ofSeconds(-1))
                        .jitter(Duration.ofSeconds(-1))
                        .build()))
                .containsExactly(
                        "attempts: must not be negative, got -1",
                        "delay: must not be negative",
                        "jitter: must not be negative");
        assertThat(refused(() -> RestartPolicy.builder()
                        .attempts(1)
                        .interval(Duration.ZERO)
                        .build()))
                .singleElement()
                .asString()
                .startsWith("interval: must be longer than 0 when attempts is more than 0");
        assertThat(RestartPolicy.builder()
                        .attempts(0)
                        .interval(Duration.ZERO)
                        .build()
                        .attempts())
                .isZero();
        assertThat(refused(() -> task("t")
                        .restart(RestartPolicy.builder().interval(Duration.ofSeconds(-1)))
                        .build()))
                .singleElement()
                .asString()
                .startsWith("restart.interval: ");
    }

    @Test
    void aRestartPolicyStartsFromTheDefaultWithAQuarterOfItsDelayAsJitter() {
        RestartPolicy policy =
                RestartPolicy.builder().delay(Duration.ofSeconds(8)).build();

        assertThat(RestartPolicy.builder().build()).isEqualTo(RestartPolicy.DEFAULT);
        assertThat(policy.attempts()).isEqualTo(2);
        assertThat(policy.interval()).isEqualTo(Duration.ofMinutes(30));
        assertThat(policy.mode()).isEqualTo(RestartPolicy.Mode.FAIL);
        assertThat(policy.jitter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(RestartPolicy.NEVER.attempts()).isZero();
    }

    @Test
    void aGroupHasASafeNameACountInRangeAndTasks() {
        assertThat(refused(() -> GroupSpec.builder("").count(-1).build()))
                .containsExactly(
                        "name: must not be empty",
                        "count: must be between 0 and 10000, got -1",
                        "tasks: must have at least" + " one task");
        assertThat(refused(() ->
                        GroupSpec.builder("g").count(10_001).task(task("t")).build()))
                .hasSize(1);
        assertThat(GroupSpec.builder("g").count(0).task(task("t")).build().count())
                .isZero();
    }

    @Test
    void aGroupsTasksHaveDistinctNamesAndAtMostOneLeader() {
        assertThat(refused(() -> GroupSpec.builder("g")
                        .task(task("a").leader(true))
                        .task(task("a").leader(true))
                        .task(task("b").cpu(0))
                        .build()))
                .containsExactly(
                        "tasks[1].name: duplicate task name \"a\"",
                        "tasks[1].leader: only one task of a group can be the leader",
                        "tasks[2].resources.cpu: must be between 1 and 1000000, got 0");
    }

    @Test
    void aJobHasASafeNameAndGroupsWithDistinctNames() {
        assertThat(refused(() -> JobSpec.builder("").build()))
                .containsExactly("name: must not be empty", "groups: must have at least one group");
        assertThat(refused(() -> JobSpec.builder("j")
                        .group(GroupSpec.builder("g").task(task("t")))
                        .group(GroupSpec.builder("g").task(task("t").memoryMb(0)))
                        .build()))
                .containsExactly(
                        "groups[1].name: duplicate group name \"g\"",
                        "groups[1].tasks[0].resources.memory_mb: must be between 1 and 10000000, got 0");
    }

    @Test
    void aJobLeftAloneIsAServiceJobInDc1AndGlobal() {
        JobSpec job = JobSpec.builder("j")
                .group(GroupSpec.of("g", List.of(task("t").build())))
                .build();

        assertThat(job.type()).isEqualTo(JobType.SERVICE);
        assertThat(job.datacenter()).isEqualTo("dc1");
        assertThat(job.region()).isEqualTo("global");
        assertThat(JobSpec.batch("j", job.groups()).type()).isEqualTo(JobType.BATCH);
        assertThat(job.toBuilder().build()).isEqualTo(job);
    }

    @Test
    void aChangedCopyIsCheckedLikeANewOne() {
        TaskSpec task = task("t").build();

        assertThat(refused(() -> task.withResources(0, 300)))
                .containsExactly("resources.cpu: must be between 1 and 1000000, got 0");
        assertThat(refused(() -> task.withKill(null, "KILL"))).hasSize(1);
        assertThat(task.withResources(500, 64).toBuilder().build().cpu()).isEqualTo(500);
    }

    @Test
    void aBuilderListsItsProblemsWithoutThrowing() {
        TaskSpec.Builder task = task("t").cpu(-1);

        assertThat(task.problems()).extracting(ValidationProblem::field).containsExactly("resources.cpu");
        assertThat(task.cpu(10).problems()).isEmpty();
    }
}
