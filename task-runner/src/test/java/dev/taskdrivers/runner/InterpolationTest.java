package dev.taskdrivers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.spec.JobSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nomad's run-time variables in a spec: checked before anything starts, replaced when a task starts. */
class InterpolationTest {
    @TempDir
    Path root;

    final FakeDriver fake = new FakeDriver();
    TaskRunner runner;

    @BeforeEach
    void setUp() {
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .drivers(DriverRegistry.of(List.of(new FakeDriverFactory(fake)), root.resolve("drivers"), Map.of()))
                .node(NodeInfo.builder()
                        .name("node-1")
                        .nodeClass("edge")
                        .meta(Map.of("rack", "r7"))
                        .attribute("vault.version", "1.15.0")
                        .build())
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.stopAll(Duration.ofSeconds(10));
        runner.close();
    }

    private static String job(String task) {
        return """
                {"job": {"name": "j", "type": "batch", "meta": {"version": "3"}, "groups": [{"name": "g", "tasks": [
                  {"name": "other", "driver": "fake", "resources": {"ports": {"db": {}}}},
                  %s]}]}}
                """.formatted(task);
    }

    @Test
    void anUnknownVariableIsAProblemAtItsPathExceptInEnv() {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> runner.parse(job("""
                {"name": "t", "driver": "fake", "resources": {"ports": {"http": {}}},
                 "config": {"password": "${NOMAD_PORT_htp}"},
                 "env": {"LEFT": "${NOMAD_NOPE}"},
                 "services": [{"name": "web-${meta.zone}", "port": "http",
                   "checks": [{"type": "http", "path": "/${attr.nope}", "interval": "1s", "timeout": "1s"}]}]}
                """)));

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .extracting(ValidationProblem::toString)
                .containsExactly(
                        "job.groups[0].tasks[1].config.password: unknown variable ${NOMAD_PORT_htp} (the task's"
                                + " NOMAD_PORT_* variables: NOMAD_PORT_http, NOMAD_PORT_other_db)",
                        "job.groups[0].tasks[1].services[0].checks[0].path: unknown variable ${attr.nope} (the node has no such attribute; its embedder adds one with"
                                + " NodeInfo.attribute, the command line with --node-attr)",
                        "job.groups[0].tasks[1].services[0].name: unknown variable ${meta.zone} (the node's meta has no"
                                + " such key; job meta is ${NOMAD_META_KEY})");
    }

    @Test
    void theDriverChecksTheConfigWithItsVariablesReplaced() {
        runner.parse(job("""
                {"name": "t", "driver": "fake", "config": {"password":
                  "${meta.rack}/${node.unique.name}/${node.class}/${node.datacenter}/${attr.vault.version}/${attr.driver.fake}/${attr.driver.fake.version}/${NOMAD_META_version}/${attr.kernel.name}"}}
                """));

        assertThat(fake.lastValidated.driverConfig())
                .containsEntry("password", "r7/node-1/edge/dc1/1.15.0/1/1/3/linux");
    }

    @Test
    void theTasksEnvIsInterpolatedWhenItStartsAndUnknownVariablesStayAsWritten() throws Exception {
        JobSpec job = runner.parse(job("""
                {"name": "t", "driver": "fake", "resources": {"ports": {"http": {}}},
                 "env": {"ADDR": "${NOMAD_ADDR_http}", "ID": "${NOMAD_SHORT_ALLOC_ID}", "NODE": "${node.unique.name}",
                         "SIBLING": "${NOMAD_PORT_other_db}", "LEFT": "${NOMAD_NOPE}", "LITERAL": "$${NOMAD_TASK_NAME}"}}
                """));

        AllocationHandle alloc = runner.submit(job).get(0);
        alloc.await(Duration.ofSeconds(30));

        Map<String, String> env = fake.startedEnv.get("t");
        int port = alloc.status().tasks().get("t").port("http").orElseThrow().value();
        assertThat(env)
                .containsEntry("ADDR", "127.0.0.1:" + port)
                .containsEntry("ID", alloc.id().substring(0, 8))
                .containsEntry("NODE", "node-1")
                .containsEntry("SIBLING", env.get("NOMAD_PORT_other_db"))
                .containsEntry("LEFT", "${NOMAD_NOPE}")
                .containsEntry("LITERAL", "${NOMAD_TASK_NAME}")
                .containsEntry("NOMAD_JOB_ID", "j")
                .containsEntry("NOMAD_NAMESPACE", "default");
    }
}
