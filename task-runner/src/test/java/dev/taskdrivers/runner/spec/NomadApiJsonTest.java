package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Nomad's API JSON read by the spec parser: the same job model as the job file, warnings and problems by path. */
class NomadApiJsonTest {

    private static final String NOMAD_IGNORED =
            "ignored: it steers a cluster scheduler or Nomad's servers; this runner runs every task on its own node";

    private final SpecParser parser = new SpecParser();

    private static String resource(String name) throws IOException {
        try (InputStream in = NomadApiJsonTest.class.getResourceAsStream("/nomad-jobs/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private List<String> problems(String text) {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> parser.parse(text));
        assertThat(e).as("a ValidationException").isNotNull();
        return e.problems().stream().map(ValidationProblem::toString).toList();
    }

    private List<String> warnings(String text) {
        return parser.read(text).warnings().stream()
                .map(ValidationProblem::field)
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"example-short", "hello", "web-service", "tasks-with-parts", "group-services"})
    void theApiJsonOfAJobFileGivesTheSameJob(String name) throws IOException {
        JobSpec fromHcl = parser.parse(resource(name + ".nomad.hcl"));
        JobSpec fromJson = parser.parse(resource(name + ".nomad.json"));

        assertThat(fromJson).isEqualTo(fromHcl);
    }

    @Test
    void everyPartOfTheServiceJobIsMapped() throws IOException {
        JobSpec job = parser.parse(resource("web-service.nomad.json"));

        assertThat(job.datacenter()).isEqualTo("eu1");
        assertThat(job.region()).isEqualTo("europe");
        assertThat(job.namespace()).isEqualTo("team-a");
        assertThat(job.id()).isEqualTo("shop");
        assertThat(job.meta()).containsEntry("owner", "team-a");
        GroupSpec web = job.groups().get(0);
        assertThat(web.count()).isEqualTo(2);
        assertThat(web.restart().interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(web.meta()).containsEntry("tier", "1");
        TaskSpec server = web.tasks().get(0);
        assertThat(server.leader()).isTrue();
        assertThat(server.killTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(server.killSignal()).isEqualTo("SIGINT");
        assertThat(server.env()).containsEntry("WORKERS", "4");
        assertThat(server.ports())
                .containsExactlyInAnyOrder(
                        PortSpec.dynamic("http").inGroupNetwork(),
                        PortSpec.fixed("admin", 9901).inGroupNetwork());
        assertThat(server.services()).hasSize(2);
        assertThat(server.services().get(0).checks().get(0).headers()).containsEntry("X-Probe", List.of("nomad"));
        assertThat(server.services().get(1).name()).isEqualTo("shop-web-server");
        assertThat(server.services().get(1).checks().get(0).interval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(web.tasks().get(1).ports()).containsExactly(PortSpec.dynamic("metrics"));
        assertThat(web.tasks().get(1).user()).isEqualTo("nobody");
    }

    @Test
    void lifecycleTemplatesArtifactsLogsAndShutdownDelaysAreMapped() throws IOException {
        JobSpec job = parser.parse(resource("tasks-with-parts.nomad.json"));

        GroupSpec app = job.groups().get(0);
        assertThat(app.shutdownDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(app.tasks().get(0).lifecycle()).contains(TaskLifecycle.prestart());
        assertThat(app.tasks().get(1).lifecycle()).contains(TaskLifecycle.poststartSidecar());
        assertThat(app.tasks().get(1).logs().maxFiles()).isEqualTo(3);
        TaskSpec server = app.tasks().get(2);
        assertThat(server.shutdownDelay()).isEqualTo(Duration.ofMillis(1500));
        assertThat(server.logs().maxFileSizeBytes()).isEqualTo(5L << 20);
        ArtifactSpec artifact = server.artifacts().get(0);
        assertThat(artifact.source()).isEqualTo("https://example.com/app.tar.gz");
        assertThat(artifact.destination()).isEqualTo("local/app");
        assertThat(artifact.mode()).isEqualTo(ArtifactSpec.Mode.DIR);
        assertThat(artifact.headers()).containsEntry("X-Token", "abc");
        assertThat(artifact.options()).containsKey("checksum");
        TemplateSpec signal = server.templates().get(0);
        assertThat(signal.destination()).isEqualTo("local/app.conf");
        assertThat(signal.data()).startsWith("port = [[");
        assertThat(signal.changeMode()).isEqualTo(TemplateSpec.ChangeMode.SIGNAL);
        assertThat(signal.changeSignal()).isEqualTo("SIGHUP");
        assertThat(signal.splay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(signal.perms()).isEqualTo("0600");
        assertThat(signal.leftDelimiter()).isEqualTo("[[");
        assertThat(signal.rightDelimiter()).isEqualTo("]]");
        TemplateSpec script = server.templates().get(1);
        assertThat(script.source()).isEqualTo("local/app/env.tpl");
        assertThat(script.env()).isTrue();
        assertThat(script.changeScript())
                .isEqualTo(
                        new TemplateSpec.ChangeScript("/bin/echo", List.of("changed"), Duration.ofSeconds(10), true));
        assertThat(script.waitMin()).isEqualTo(Duration.ofSeconds(1));
        assertThat(script.waitMax()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void schedulerSettingsAreWarningsAtTheirPathInBothFormats() throws IOException {
        assertThat(warnings(resource("web-service.nomad.json")))
                .containsExactlyInAnyOrder(
                        "Job.Priority", "Job.Constraints", "Job.Update", "Job.TaskGroups[0].ReschedulePolicy");
        assertThat(warnings(resource("web-service.nomad.hcl")))
                .containsExactlyInAnyOrder(
                        "job.shop.priority", "job.shop.constraint", "job.shop.update", "job.shop.group.web.reschedule");
        assertThat(parser.read(resource("web-service.nomad.json"))
                        .warnings()
                        .get(0)
                        .problem())
                .startsWith("ignored: it steers a cluster scheduler");
        assertThat(warnings(resource("example-short.nomad.json")))
                .containsExactly("Job.TaskGroups[0].Tasks[0].Identity");
    }

    @Test
    void groupServicesSystemJobsOnUpdateAndDiskGiveTheSameWarningsInBothFormats() throws IOException {
        JobSpec job = parser.parse(resource("group-services.nomad.json"));
        List<ValidationProblem> fromJson =
                parser.read(resource("group-services.nomad.json")).warnings();
        List<ValidationProblem> fromHcl =
                parser.read(resource("group-services.nomad.hcl")).warnings();

        assertThat(job.type()).isEqualTo(JobType.SERVICE);
        TaskSpec agent = job.groups().get(0).tasks().get(1);
        assertThat(agent.services()).extracting(s -> s.name()).containsExactly("agents-node", "agent-script");
        assertThat(agent.ports()).containsExactly(PortSpec.dynamic("http").inGroupNetwork());
        assertThat(job.groups().get(0).tasks().get(0).services()).isEmpty();
        assertThat(fromJson)
                .extracting(ValidationProblem::field)
                .containsExactly(
                        "Job.Type",
                        "Job.TaskGroups[0].Tasks[1].Resources.DiskMB",
                        "Job.TaskGroups[0].EphemeralDisk",
                        "Job.TaskGroups[0].Services[0].Checks[0].OnUpdate");
        assertThat(fromHcl)
                .extracting(ValidationProblem::field)
                .containsExactly(
                        "job.agents.type",
                        "job.agents.group.node.ephemeral_disk",
                        "job.agents.group.node.service.check.on_update",
                        "job.agents.group.node.task.agent.resources.disk");
        assertThat(fromJson.get(0).problem())
                .isEqualTo(fromHcl.get(0).problem())
                .isEqualTo("runs as a service job: every node of a system job is this one node");
        assertThat(fromJson.subList(1, 4))
                .extracting(ValidationProblem::problem)
                .containsOnly(NOMAD_IGNORED);
        assertThat(fromHcl.subList(1, 4)).extracting(ValidationProblem::problem).containsOnly(NOMAD_IGNORED);
    }

    @Test
    void nomadsDefaultsAsNomadJobInspectPrintsThemAreNoWarningWhileOtherValuesAre() {
        String inspected = """
                {"Job": {"ID": "j", "Type": "service", "TaskGroups": [{"Name": "g",
                  "EphemeralDisk": {"Sticky": false, "Migrate": false, "SizeMB": 300},
                  "Tasks": [{"Name": "t", "Driver": "raw_exec", "Config": {"command": "/bin/true"},
                    "Resources": {"CPU": 100, "MemoryMB": 300, "DiskMB": 0},
                    "Services": [{"Name": "s", "OnUpdate": "require_healthy", "Checks": [{"Type": "script",
                      "Command": "/bin/true", "Interval": 10000000000, "Timeout": 1000000000,
                      "OnUpdate": "require_healthy"}]}]}]}]}}
                """;
        String changed = inspected
                .replace("\"Sticky\": false", "\"Sticky\": true")
                .replace("\"OnUpdate\": \"require_healthy\"}]}]", "\"OnUpdate\": \"ignore\"}]}]");

        assertThat(warnings(inspected)).isEmpty();
        assertThat(warnings(changed))
                .containsExactly(
                        "Job.TaskGroups[0].EphemeralDisk", "Job.TaskGroups[0].Tasks[0].Services[0].Checks[0].OnUpdate");
        assertThat(warnings("""
                job "j" {
                  group "g" {
                    ephemeral_disk {
                      size = 300
                    }
                    task "t" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/true"
                      }
                      service {
                        name      = "s"
                        on_update = "ignore"
                        check {
                          type      = "script"
                          command   = "/bin/true"
                          interval  = "10s"
                          timeout   = "1s"
                          on_update = "require_healthy"
                        }
                      }
                    }
                  }
                }
                """)).containsExactly("job.j.group.g.task.t.service.on_update");
    }

    @Test
    void aSysbatchJobRunsAsABatchJobWithTheJobFilesWarning() {
        String text = """
                {"Job": {"ID": "s", "Type": "sysbatch", "TaskGroups": [{"Name": "g", "Tasks": [{
                  "Name": "t", "Driver": "raw_exec", "Config": {"command": "/bin/true"}}]}]}}
                """;

        assertThat(parser.parse(text).type()).isEqualTo(JobType.BATCH);
        assertThat(parser.read(text).warnings())
                .containsExactly(new ValidationProblem(
                        "Job.Type", "runs as a batch job: every node of a sysbatch job is this one node"));
    }

    @Test
    void whatCannotRunIsAProblemNamingTheApiPathAndTheModelsRulesKeepTheirPath() {
        assertThat(problems("""
                        {"Job": {"ID": "j", "Type": "batch", "TaskGroups": [{"Name": "g", "Tasks": [{
                          "Name": "t", "Driver": "raw_exec", "Config": {"command": "/bin/true"},
                          "Templates": [{"EmbeddedTmpl": "x", "DestPath": "local/x", "Once": true}],
                          "Artifacts": [{"GetterSource": "https://example.com/a", "Chown": true}],
                          "LogConfig": {"MaxFiles": 2, "Disabled": true},
                          "Lifecycle": {"Hook": "prestart"},
                          "KillTimeout": "5s",
                          "Colour": "blue",
                          "Resources": {"CPU": 100, "MemoryMB": -5,
                            "Networks": [{"Mode": "bridge", "DynamicPorts": [{"Label": "http", "HostNetwork": "public"}]}]}
                        }]}]}}
                        """))
                .containsExactly(
                        "Job.TaskGroups[0].Tasks[0].Artifacts[0].Chown: not supported yet",
                        "Job.TaskGroups[0].Tasks[0].Colour: unknown",
                        "Job.TaskGroups[0].Tasks[0].KillTimeout: must be a duration in nanoseconds, got \"5s\"",
                        "Job.TaskGroups[0].Tasks[0].LogConfig.Disabled: turning log collection off is not supported",
                        "Job.TaskGroups[0].Tasks[0].Resources.Networks[0].DynamicPorts[0].HostNetwork: not supported yet",
                        "Job.TaskGroups[0].Tasks[0].Resources.Networks[0].Mode: \"bridge\" is a group's network"
                                + " mode; set it on the group's network",
                        "Job.TaskGroups[0].Tasks[0].Templates[0].Once: not supported yet",
                        "job.groups[0].tasks[0].resources.memory_mb: must be between 1 and 10000000, got -5");
    }

    @Test
    void aGroupNetworkInBridgeModeMapsItsModeAndItsToPortsWhileOtherModesAreProblems() {
        JobSpec job = parser.parse("""
                {"Job": {"ID": "j", "TaskGroups": [{"Name": "g",
                  "Networks": [{"Mode": "bridge", "DynamicPorts": [{"Label": "http", "To": 8080}]}],
                  "Tasks": [{"Name": "web", "Driver": "docker", "Config": {"image": "busybox:1"}}]}]}}
                """);
        assertThat(job.groups().get(0).networkMode()).isEqualTo("bridge");
        assertThat(job.groups().get(0).tasks().get(0).config()).containsEntry("port_map", Map.of("http", 8080L));
        assertThat(job.groups().get(0).tasks().get(0).ports())
                .containsExactly(PortSpec.dynamic("http").inGroupNetwork());
        assertThat(problems("""
                        {"Job": {"ID": "j", "TaskGroups": [{"Name": "g", "Networks": [{"Mode": "cni/mynet"}],
                          "Tasks": [{"Name": "web", "Driver": "docker", "Config": {"image": "busybox:1"}}]}]}}
                        """))
                .containsExactly("Job.TaskGroups[0].Networks[0].Mode: not supported: only \"host\" and \"bridge\""
                        + " (docker tasks) networking, got cni/mynet");
    }

    @Test
    void aBareJobObjectIsReadAndDriverConfigBlocksBecomeObjects() {
        JobSpec job = parser.parse("""
                {"ID": "bare", "Name": "bare", "Type": "batch", "Datacenters": ["dc1", "dc2"],
                 "TaskGroups": [{"Name": "g", "Count": 1, "Tasks": [{
                   "Name": "t", "Driver": "docker",
                   "Config": {"image": "busybox", "labels": [{"team": "a"}], "args": ["-c", "true"],
                              "logging": [{"type": "json-file", "config": [{"max-size": "1m"}]}]}
                 }]}]}
                """);

        TaskSpec t = job.groups().get(0).tasks().get(0);
        assertThat(job.name()).isEqualTo("bare");
        assertThat(job.type()).isEqualTo(JobType.BATCH);
        assertThat(t.config())
                .containsEntry("labels", Map.of("team", "a"))
                .containsEntry("args", List.of("-c", "true"))
                .containsEntry("logging", Map.of("type", "json-file", "config", Map.of("max-size", "1m")));
        assertThat(warnings("""
                {"ID": "bare", "Datacenters": ["dc1", "dc2"], "TaskGroups": []}
                """)).containsExactly("Datacenters");
    }

    @Test
    void theSdksOwnJsonIsStillTheSdks() {
        JobSpec job = parser.parse("""
                {"job": {"name": "sdk", "groups": [{"name": "g", "tasks": [{"name": "t", "driver": "raw_exec",
                  "config": {"command": "/bin/sh", "args": ["-c", "echo ${HOME} $${NOMAD_TASK_NAME}"]}}]}]}}
                """);

        assertThat(job.groups().get(0).tasks().get(0).config())
                .containsEntry("args", List.of("-c", "echo ${HOME} $${NOMAD_TASK_NAME}"));
    }
}
