package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.services.CheckType;
import dev.taskdrivers.services.ServiceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nomad HCL job files read by the spec parser: what is mapped, ignored and refused. */
class NomadJobSpecTest {

    private final SpecParser parser = new SpecParser();

    private static String resource(String name) throws IOException {
        try (InputStream in = NomadJobSpecTest.class.getResourceAsStream("/nomad-jobs/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private List<String> problems(String text) {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> parser.parse(text));
        assertThat(e).as("a ValidationException").isNotNull();
        return e.problems().stream().map(ValidationProblem::toString).toList();
    }

    @Test
    void aGroupNetworkInBridgeModeMapsItsModeAndItsToPortWhileNoneIsAProblem() {
        JobSpec job = parser.parse("""
                job "j" {
                  group "g" {
                    network {
                      mode = "bridge"
                      port "http" { to = 8080 }
                      port "admin" {}
                    }
                    task "web" {
                      driver = "docker"
                      config { image = "busybox:1" }
                    }
                  }
                }
                """);
        assertThat(job.groups().get(0).networkMode()).isEqualTo("bridge");
        TaskSpec web = job.groups().get(0).tasks().get(0);
        assertThat(web.config()).containsEntry("port_map", Map.of("http", 8080L));
        assertThat(web.ports())
                .containsExactly(
                        PortSpec.dynamic("http").inGroupNetwork(),
                        PortSpec.dynamic("admin").inGroupNetwork());
        assertThat(problems("""
                        job "j" {
                          group "g" {
                            network { mode = "none" }
                            task "web" {
                              driver = "docker"
                              config { image = "busybox:1" }
                            }
                          }
                        }
                        """))
                .containsExactly("job.j.group.g.network.mode: not supported: only \"host\" and \"bridge\" (docker"
                        + " tasks) networking, got none");
    }

    @Test
    void theJobNomadJobInitWritesMapsWithItsPortForDocker() throws IOException {
        JobSpec job = parser.parse(resource("hello.nomad.hcl"));

        assertThat(job.name()).isEqualTo("hello-nomad");
        assertThat(job.type()).isEqualTo(JobType.SERVICE);
        TaskSpec app = job.groups().get(0).tasks().get(0);
        assertThat(job.groups().get(0).name()).isEqualTo("web");
        assertThat(app.name()).isEqualTo("app");
        assertThat(app.driver()).isEqualTo("docker");
        assertThat(app.config())
                .containsEntry("image", "laoqui/hello-nomad:v1")
                .containsEntry("ports", List.of("http"))
                .containsEntry("auth_soft_fail", true)
                .containsEntry("port_map", Map.of("http", 8080L));
        assertThat(app.ports()).containsExactly(PortSpec.dynamic("http").inGroupNetwork());
        assertThat(app.cpu()).isEqualTo(500);
        assertThat(app.memoryMb()).isEqualTo(256);
    }

    @Test
    void theShortExampleJobMaps() throws IOException {
        JobSpec job = parser.parse(resource("example-short.nomad.hcl"));

        TaskSpec redis = job.groups().get(0).tasks().get(0);
        assertThat(job.name()).isEqualTo("example");
        assertThat(job.groups().get(0).name()).isEqualTo("cache");
        assertThat(redis.config()).containsEntry("image", "redis:7").containsEntry("port_map", Map.of("db", 6379L));
        assertThat(redis.ports()).containsExactly(PortSpec.dynamic("db").inGroupNetwork());
        assertThat(redis.memoryMb()).isEqualTo(256);
    }

    @Test
    void filesUsingDevicesAreRefusedNamingEachConstructWhileVolumesTemplatesAndLifecycleMap() throws IOException {
        TemplateSpec pid = parser.parse(resource("raw_exec.nomad"))
                .groups()
                .get(0)
                .tasks()
                .get(0)
                .templates()
                .get(0);
        assertThat(pid.destination()).isEqualTo("local/pid.sh");
        assertThat(pid.perms()).isEqualTo("777");
        assertThat(pid.changeMode()).isEqualTo(TemplateSpec.ChangeMode.NOOP);
        assertThat(pid.data()).isEqualTo("#!/usr/bin/env bash\necho my pid is $BASHPID\n");
        // as in Nomad, a template may write into the allocation's shared directory
        assertThat(parser.parse(resource("lost_template_with_vars.nomad"))
                        .groups()
                        .get(0)
                        .tasks()
                        .get(0)
                        .templates())
                .extracting(TemplateSpec::destination)
                .containsExactly("${NOMAD_ALLOC_DIR}/data/password.txt");
        // lifecycle hooks and templates both map now: the whole job reads
        assertThat(parser.parse(resource("service-lifecycle.nomad"))
                        .groups()
                        .get(0)
                        .tasks())
                .filteredOn(t -> t.lifecycle().isPresent())
                .extracting(TaskSpec::name)
                .containsExactly("init", "sidecar", "poststart", "poststop");
        // its services and templates map, and so does its bridge network (its exec task is the validator's to refuse)
        assertThat(parser.parse(resource("templating.nomad")).groups())
                .filteredOn(g -> g.name().equals("upstream"))
                .singleElement()
                .satisfies(g -> assertThat(g.networkMode()).isEqualTo("bridge"));
        // its host volume and volume_mount map (whether the node has the volume is the validator's question)
        assertThat(problems(resource("basic.hcl"))).noneMatch(p -> p.contains("volume"));
        assertThat(problems(resource("basic.hcl")))
                .contains(
                        // its artifacts are mapped; the second asks for mode file with a directory as the file
                        "job.groups[0].tasks[0].artifacts[1].destination: mode file needs the file's path, e.g."
                                + " local/app.jar, got \"test/foo/\"",
                        "job.binstore-storagelocker.group.binsl.task.binstore.resources.device: not supported yet")
                // check_restart is read, and watched on checks of consul services too
                .noneMatch(p -> p.contains("check_restart"))
                .noneMatch(p -> p.contains("lifecycle"));
    }

    @Test
    void aRawExecJobMapsEveryTaskFieldAndKeepsRuntimeInterpolationAsText() {
        JobSpec job = parser.parse("""
                # a comment first: still HCL
                job "web" {
                  type        = "batch"
                  region      = "eu"
                  datacenters = ["dc2"]
                  meta { owner = "ops" }
                  constraint {
                    attribute = "${attr.kernel.name}"
                    value     = "linux"
                  }
                  update { max_parallel = 1 }

                  group "g" {
                    count = 2
                    meta { tier = 3 }
                    restart {
                      attempts = 1
                      delay    = "1s"
                      mode     = "fail"
                    }
                    network {
                      port "http" {}
                      port "admin" { static = 8089 }
                    }

                    task "t" {
                      driver       = "raw_exec"
                      user         = "nobody"
                      leader       = true
                      kill_timeout = "3s"
                      kill_signal  = "SIGINT"
                      config {
                        command = "/bin/sh"
                        args    = ["-c", "echo ${NOMAD_PORT_http} ${attr.unique.hostname}"]
                      }
                      env {
                        ADDR = "${NOMAD_ADDR_http}"
                        N    = 5
                      }
                      resources {
                        cpu    = 200
                        memory = 64
                      }
                      service {
                        port = "http"
                        tags = ["a"]
                        check {
                          type     = "http"
                          path     = "/"
                          interval = "1s"
                          timeout  = "2s"
                        }
                      }
                    }
                  }
                }
                """);

        assertThat(job.name()).isEqualTo("web");
        assertThat(job.type()).isEqualTo(JobType.BATCH);
        assertThat(job.region()).isEqualTo("eu");
        assertThat(job.datacenter()).isEqualTo("dc2");
        assertThat(job.meta()).isEqualTo(Map.of("owner", "ops"));
        GroupSpec g = job.groups().get(0);
        assertThat(g.count()).isEqualTo(2);
        assertThat(g.meta()).isEqualTo(Map.of("tier", "3"));
        TaskSpec t = g.tasks().get(0);
        assertThat(t.restart()).as("the group's applies").isNull();
        assertThat(g.restart().attempts()).isEqualTo(1);
        assertThat(t.user()).isEqualTo("nobody");
        assertThat(t.leader()).isTrue();
        assertThat(t.killTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(t.killSignal()).isEqualTo("SIGINT");
        assertThat(t.config()).containsEntry("args", List.of("-c", "echo ${NOMAD_PORT_http} ${attr.unique.hostname}"));
        assertThat(t.env()).isEqualTo(Map.of("ADDR", "${NOMAD_ADDR_http}", "N", "5"));
        assertThat(t.cpu()).isEqualTo(200);
        assertThat(t.memoryMb()).isEqualTo(64);
        assertThat(t.ports())
                .containsExactlyInAnyOrder(
                        PortSpec.dynamic("http").inGroupNetwork(),
                        PortSpec.fixed("admin", 8089).inGroupNetwork());
        ServiceSpec service = t.services().get(0);
        assertThat(service.name()).isEqualTo("web-g-t");
        assertThat(service.portLabel()).isEqualTo("http");
        assertThat(service.tags()).containsExactly("a");
        assertThat(service.checks().get(0).type()).isEqualTo(CheckType.HTTP);
        assertThat(service.checks().get(0).interval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aGroupPortGoesToTheTaskThatNamesIt() {
        JobSpec job = parser.parse("""
                job "j" {
                  group "g" {
                    network {
                      port "http" {}
                    }
                    task "first" {
                      driver = "raw_exec"
                      config { command = "/bin/true" }
                    }
                    task "server" {
                      driver = "raw_exec"
                      config { command = "/bin/true" }
                      service {
                        name = "s"
                        port = "http"
                      }
                    }
                  }
                }
                """);

        List<TaskSpec> tasks = job.groups().get(0).tasks();
        assertThat(tasks.get(0).ports()).isEmpty();
        assertThat(tasks.get(1).ports())
                .containsExactly(PortSpec.dynamic("http").inGroupNetwork());
    }

    @Test
    void aGroupPortGoesToTheTaskWhoseDriverUsesItWhileAnEarlierTaskAdvertisesIt() {
        JobSpec job = parser.parse("""
                job "j" {
                  group "g" {
                    network {
                      port "http" { to = 8080 }
                    }
                    task "registrar" {
                      driver = "raw_exec"
                      config { command = "/bin/true" }
                      service {
                        name = "web"
                        port = "http"
                        check {
                          type     = "http"
                          path     = "/"
                          interval = "1s"
                          timeout  = "1s"
                        }
                      }
                    }
                    task "app" {
                      driver = "docker"
                      config {
                        image = "nginx:1"
                        ports = ["http"]
                      }
                    }
                  }
                }
                """);

        List<TaskSpec> tasks = job.groups().get(0).tasks();
        assertThat(tasks.get(0).ports()).isEmpty();
        assertThat(tasks.get(0).services().get(0).portLabel()).isEqualTo("http");
        assertThat(tasks.get(1).ports())
                .containsExactly(PortSpec.dynamic("http").inGroupNetwork());
        assertThat(tasks.get(1).config()).containsEntry("port_map", Map.of("http", 8080L));
    }

    @Test
    void unknownNamesHclErrorsAndModelRulesAreAllReportedAtOnce() {
        assertThat(problems("""
                job "web" {
                  group "g" {
                    colour = "red"
                    task "t" {
                      driver = "raw_exec"
                      foo    = 1
                      config { command = "/bin/true" }
                      resources { memory = -5 }
                      template { data = "x" }
                    }
                  }
                }
                """))
                .containsExactlyInAnyOrder(
                        "job.web.group.g.colour: unknown",
                        "job.web.group.g.task.t.foo: unknown",
                        "job.groups[0].tasks[0].templates[0].destination: is required",
                        "job.groups[0].tasks[0].resources.memory_mb: must be between 1 and " + JobRules.MAX_MEMORY_MB
                                + ", got -5");
        assertThat(problems("job \"x\" {\n  group \"g\" {\n    count = \n  }\n}\n"))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("job: not a valid HCL job file at line 3, column");
        assertThat(problems("# nothing here\n"))
                .containsExactly("job: is required: the file has no job \"NAME\" { ... } block");
    }

    @Test
    void jsonIsStillReadAsJson() {
        assertThat(parser.parse("""
                  {"job": {"name": "j", "groups": [{"name": "g", "tasks": [
                    {"name": "t", "driver": "raw_exec", "config": {"command": "/bin/true"}}]}]}}
                """).name()).isEqualTo("j");
    }

    @Test
    void aPortsToJoinsThePortMapWrittenInADockerConfig() {
        JobSpec job = parser.parse("""
                job "j" {
                  group "g" {
                    network {
                      port "http" { to = 80 }
                      port "admin" { to = 9000 }
                    }
                    task "web" {
                      driver = "docker"
                      config {
                        image    = "nginx"
                        ports    = ["http", "admin"]
                        port_map = { admin = 9001 }
                      }
                    }
                  }
                }
                """);

        assertThat(job.groups().get(0).tasks().get(0).config())
                .containsEntry("port_map", Map.of("admin", 9001L, "http", 80L));
    }

    @Test
    void aPortsToOfABridgeGroupBecomesTheRawExecPortMap() {
        JobSpec job = parser.parse("""
                job "j" {
                  group "g" {
                    network {
                      mode = "bridge"
                      port "http" { to = 8080 }
                    }
                    task "web" {
                      driver = "raw_exec"
                      config { command = "/bin/true" }
                    }
                  }
                }
                """);

        assertThat(job.groups().get(0).bridgeNetwork()).isTrue();
        assertThat(job.groups().get(0).tasks().get(0).config()).containsEntry("port_map", Map.of("http", 8080L));
    }

    @Test
    void aPortsToIsRefusedForOtherDrivers() {
        assertThat(problems("""
                job "j" {
                  group "g" {
                    network {
                      port "http" { to = 80 }
                    }
                    task "t" {
                      driver = "qemu"
                      config { image_path = "/x.img" }
                    }
                  }
                }
                """))
                .contains("job.j.group.g.network.port.http.to: not supported yet for the qemu driver (docker, raw_exec,"
                        + " exec, java only)");
    }

    @Test
    void aJavaTaskMapsItsConfigAsNomadWritesIt() {
        JobSpec job = parser.parse("""
                job "api" {
                  group "g" {
                    task "webservice" {
                      driver = "java"
                      config {
                        jar_path    = "local/example.jar"
                        jvm_options = ["-Xmx2048m", "-Xms256m"]
                        args        = ["--port", "8080"]
                        pid_mode    = "private"
                      }
                      resources { memory = 2304 }
                    }
                  }
                }
                """);

        TaskSpec task = job.groups().get(0).tasks().get(0);
        assertThat(task.driver()).isEqualTo("java");
        assertThat(task.config())
                .containsEntry("jar_path", "local/example.jar")
                .containsEntry("jvm_options", List.of("-Xmx2048m", "-Xms256m"))
                .containsEntry("args", List.of("--port", "8080"))
                .containsEntry("pid_mode", "private");
        assertThat(task.memoryMb()).isEqualTo(2304);
    }
}
