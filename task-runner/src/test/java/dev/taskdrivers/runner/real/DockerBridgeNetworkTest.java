package dev.taskdrivers.runner.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Nomad job file whose group is in {@code network { mode = "bridge" }}, run on the real docker engine: its tasks
 * share one network namespace (an infra container), the host reaches the served port through its host port, a task
 * not granted the group port advertises services on it as the task granted it does, and the infra container lives
 * exactly as long as the allocation, across a runner restart. Outside a bridge too, a raw_exec task's {@code alloc}
 * mode service on a docker task's group port advertises the port's {@code to}.
 */
@Tag("real")
class DockerBridgeNetworkTest {
    private static final String IMAGE = "taskdrivers-test/busybox:1";
    private static final Map<String, Map<String, Object>> DOCKER =
            Map.of("docker", Map.of("infra_image", IMAGE, "image_gc", Map.of("enabled", false)));

    @TempDir
    Path root;

    TaskRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        RealEnvironment.require(
                docker("image", "inspect", IMAGE).exit == 0,
                "a Docker engine with " + IMAGE + " (run scripts/start-services.sh)");
        runner = newRunner();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            assertThat(runner.stopAll(Duration.ofSeconds(60))).isTrue();
            runner.close();
        }
    }

    private TaskRunner newRunner() {
        return TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .driverOptions(DOCKER)
                .build();
    }

    /** A web task serving its template on NOMAD_PORT_http (the `to` port) and a client that fetches it on localhost. */
    private JobSpec job(String type) {
        return runner.parse("""
                job "bridge" {
                  type = "%s"
                  group "g" {
                    network {
                      mode = "bridge"
                      port "http" {
                        to = 8080
                      }
                    }
                    task "web" {
                      driver = "docker"
                      config {
                        image   = "%s"
                        command = "/bin/sh"
                        args    = ["-c", "echo $NOMAD_PORT_http $NOMAD_HOST_PORT_http > /alloc/web-ports; exec httpd -f -p ${NOMAD_PORT_http} -h /local"]
                      }
                      template {
                        data        = "from the group"
                        destination = "local/index.html"
                      }
                      service {
                        name     = "web-host"
                        port     = "http"
                        provider = "nomad"
                      }
                      service {
                        name         = "web-alloc"
                        port         = "http"
                        provider     = "nomad"
                        address_mode = "alloc"
                      }
                      service {
                        name         = "web-driver"
                        port         = "http"
                        provider     = "nomad"
                        address_mode = "driver"
                      }
                    }
                    task "client" {
                      driver = "docker"
                      leader = true
                      config {
                        image   = "%s"
                        command = "/bin/sh"
                        args    = ["-c", "until wget -qO /alloc/got http://localhost:8080/index.html; do sleep 1; done; until [ -e /alloc/done ]; do sleep 1; done"]
                      }
                      service {
                        name     = "client-host"
                        port     = "http"
                        provider = "nomad"
                      }
                      service {
                        name         = "client-alloc"
                        port         = "http"
                        provider     = "nomad"
                        address_mode = "alloc"
                      }
                      service {
                        name         = "client-driver"
                        port         = "http"
                        provider     = "nomad"
                        address_mode = "driver"
                      }
                    }
                  }
                }
                """.formatted(type, IMAGE, IMAGE));
    }

    @Test
    void theTasksShareTheNamespaceTheHostReachesTheHostPortAndTheInfraContainerEndsWithTheAllocation()
            throws Exception {
        AllocationHandle alloc = runner.submit(job("batch")).get(0);
        Path allocDir = root.resolve("data/alloc").resolve(alloc.id()).resolve("alloc");

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(allocDir.resolve("got"))
                        .as("the client fetched the web task's page on localhost:8080")
                        .exists()
                        .hasContent("from the group"));
        int hostPort =
                alloc.status().tasks().get("web").port("http").orElseThrow().value();
        assertThat(hostPort).isNotEqualTo(8080);
        assertThat(Files.readString(allocDir.resolve("web-ports")).strip())
                .as("NOMAD_PORT_http is the to port, NOMAD_HOST_PORT_http the host port")
                .isEqualTo("8080 " + hostPort);
        assertThat(get(hostPort)).isEqualTo("from the group");
        assertThat(infraContainers(alloc.id())).hasSize(1);

        Files.writeString(allocDir.resolve("done"), "");
        AllocationStatus status = alloc.await(Duration.ofMinutes(1));

        assertThat(status.tasks().get("client").succeeded()).as("%s", status).isTrue();
        assertThat(infraContainers(alloc.id()))
                .as("the infra container is removed with the allocation")
                .isEmpty();
    }

    @Test
    void servicesAdvertiseTheHostPortByDefaultAndTheToPortInAllocAndDriverModeAndAStopRemovesTheInfraContainer()
            throws Exception {
        AllocationHandle alloc = runner.submit(job("service")).get(0);
        int hostPort =
                alloc.status().tasks().get("web").port("http").orElseThrow().value();
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> get(hostPort).equals("from the group"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> runner.nomadServices().size() == 6);
        Map<String, String> advertised = new java.util.TreeMap<>();
        runner.nomadServices().forEach(r -> advertised.put(r.serviceName(), r.address() + ":" + r.port()));
        assertThat(advertised)
                .containsEntry("web-host", "127.0.0.1:" + hostPort)
                .containsEntry("web-alloc", "127.0.0.1:8080");
        assertThat(advertised.get("web-driver"))
                .as("the namespace's address")
                .endsWith(":8080")
                .doesNotStartWith("127.");
        assertThat(alloc.status().tasks().get("client").port("http")).isEmpty();
        // the client was not granted the group port; its services on it are advertised as the web task's are
        assertThat(advertised)
                .containsEntry("client-host", advertised.get("web-host"))
                .containsEntry("client-alloc", advertised.get("web-alloc"))
                .containsEntry("client-driver", advertised.get("web-driver"));

        alloc.stop().get(60, TimeUnit.SECONDS);

        assertThat(infraContainers(alloc.id())).isEmpty();
        assertThat(docker("ps", "-aq", "--filter", "label=dev.taskdrivers.alloc_id=" + alloc.id()).out)
                .as("no container of the allocation is left")
                .isBlank();
    }

    /**
     * The runner is closed and a new one recovers the allocation: the tasks are reattached in the same infra
     * container (the state files name it), a task restarted afterwards runs in it again (docker's network mode of the
     * new container names it), and the allocation's end removes every container of it, once.
     */
    @Test
    void aRestartedRunnerKeepsTheNetworkAndARestartedTaskJoinsItAgain() throws Exception {
        AllocationHandle alloc = runner.submit(job("service")).get(0);
        String allocId = alloc.id();
        int hostPort =
                alloc.status().tasks().get("web").port("http").orElseThrow().value();
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> get(hostPort).equals("from the group"));
        List<String> infra = infraContainers(allocId);
        assertThat(infra).hasSize(1);
        // both tasks are running (their handles recorded) before the runner goes: else one is started again below
        await().atMost(Duration.ofSeconds(60))
                .until(() -> alloc.status().tasks().values().stream().allMatch(t -> t.state() == TaskState.RUNNING));
        String webBefore = container("web-" + allocId).id;

        runner.close(); // leaves the tasks running
        runner = newRunner();
        RecoveryReport report = runner.recover();

        assertThat(report.reattached()).as("%s", report).isEqualTo(2);
        assertThat(infraContainers(allocId)).as("the same infra container").isEqualTo(infra);
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> get(hostPort).equals("from the group"));
        AllocationHandle recovered = runner.allocation(allocId).orElseThrow();
        recovered.restart("web");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            TaskStatus web = recovered.status().tasks().get("web");
            assertThat(web.restarts()).as("%s", recovered.events("web")).isEqualTo(1);
            assertThat(web.state()).as("%s", recovered.events("web")).isEqualTo(TaskState.RUNNING);
        });
        Container webAfter = container("web-" + allocId);
        assertThat(webAfter.id).as("a new container").isNotEqualTo(webBefore);
        assertThat(webAfter.networkMode)
                .as("the restarted task joined the same infra container")
                .isEqualTo("container:" + infra.get(0));
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> get(hostPort).equals("from the group"));
        assertThat(infraContainers(allocId)).as("not created twice").isEqualTo(infra);

        recovered.stop().get(60, TimeUnit.SECONDS);

        assertNothingLeftOf(allocId);
    }

    /**
     * The allocation ends while no runner runs it (its tasks were stopped by hand): the next runner finds its tasks
     * dead, cleans them up and removes the infra container, and a runner after that finds it finished.
     */
    @Test
    void anAllocationThatEndedWhileNoRunnerRanItIsCleanedUpByTheNextOneWithNothingLeft() throws Exception {
        AllocationHandle alloc = runner.submit(job("batch")).get(0);
        String allocId = alloc.id();
        Path allocDir = root.resolve("data/alloc").resolve(allocId).resolve("alloc");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> alloc.status().tasks().values().stream().allMatch(t -> t.state() == TaskState.RUNNING)
                        && Files.exists(allocDir.resolve("got")));
        List<String> infra = infraContainers(allocId);
        assertThat(infra).hasSize(1);
        runner.close();
        Files.writeString(allocDir.resolve("done"), ""); // the client, the leader, ends while no runner watches
        await().atMost(Duration.ofSeconds(60)).until(() -> !container("client-" + allocId).running);

        runner = newRunner();
        runner.recover();
        AllocationHandle recovered = runner.allocation(allocId).orElseThrow();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(recovered.status().finished())
                        .as("client %s web %s", recovered.events("client"), recovered.events("web"))
                        .isTrue());
        AllocationStatus status = recovered.await(Duration.ofSeconds(1));

        assertThat(status.tasks().get("client").succeeded()).as("%s", status).isTrue();
        assertNothingLeftOf(allocId);
        runner.close();
        runner = newRunner();
        runner.recover();
        assertThat(runner.allocation(allocId)
                        .orElseThrow()
                        .await(Duration.ofSeconds(30))
                        .finished())
                .isTrue();
        assertNothingLeftOf(allocId);
    }

    /** No container of the allocation (task or infra) and no docker network naming it. */
    private static void assertNothingLeftOf(String allocId) throws Exception {
        assertThat(infraContainers(allocId)).as("no infra container").isEmpty();
        assertThat(docker("ps", "-aq", "--filter", "label=dev.taskdrivers.alloc_id=" + allocId).out)
                .as("no container of the allocation is left")
                .isBlank();
        assertThat(docker("ps", "-aq", "--filter", "name=" + allocId).out)
                .as("no container named after the allocation is left")
                .isBlank();
        assertThat(docker("network", "ls", "-q", "--filter", "name=" + allocId).out)
                .as("no docker network of the allocation")
                .isBlank();
    }

    private record Container(String id, String networkMode, boolean running) {}

    private static Container container(String name) throws IOException, InterruptedException {
        Result r = docker("inspect", "-f", "{{.Id}} {{.HostConfig.NetworkMode}} {{.State.Running}}", name);
        assertThat(r.exit).as("docker inspect %s: %s", name, r.out).isZero();
        String[] f = r.out.strip().split(" ");
        return new Container(f[0], f[1], Boolean.parseBoolean(f[2]));
    }

    /**
     * In a host-network group, a raw_exec task (no driver network) advertises the docker task's group port with
     * {@code to = 8080}: the host port by default, the allocation's address with the {@code to} in alloc mode.
     */
    @Test
    void aTaskWithoutADriverNetworkAdvertisesADockerSiblingsGroupPortWithItsToInAllocMode() throws Exception {
        JobSpec job = runner.parse("""
                job "hostnet" {
                  group "g" {
                    network {
                      port "http" {
                        to = 8080
                      }
                    }
                    task "web" {
                      driver = "docker"
                      config {
                        image   = "%s"
                        command = "/bin/httpd"
                        args    = ["-f", "-p", "8080", "-h", "/local"]
                        ports   = ["http"]
                      }
                      template {
                        data        = "from the container"
                        destination = "local/index.html"
                      }
                    }
                    task "registrar" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/sh"
                        args    = ["-c", "exec sleep 300"]
                      }
                      service {
                        name     = "web-host"
                        port     = "http"
                        provider = "nomad"
                      }
                      service {
                        name         = "web-alloc"
                        port         = "http"
                        provider     = "nomad"
                        address_mode = "alloc"
                      }
                    }
                  }
                }
                """.formatted(IMAGE));

        AllocationHandle alloc = runner.submit(job).get(0);
        int hostPort =
                alloc.status().tasks().get("web").port("http").orElseThrow().value();
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> get(hostPort).equals("from the container"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> runner.nomadServices().size() == 2);
        Map<String, String> advertised = new java.util.TreeMap<>();
        runner.nomadServices().forEach(r -> advertised.put(r.serviceName(), r.address() + ":" + r.port()));

        assertThat(hostPort).isNotEqualTo(8080);
        assertThat(advertised)
                .containsOnly(Map.entry("web-host", "127.0.0.1:" + hostPort), Map.entry("web-alloc", "127.0.0.1:8080"));
        alloc.stop().get(60, TimeUnit.SECONDS);
        // the stop completes once every task is dead and cleaned up: its container is gone by then
        assertThat(docker("ps", "-aq", "--filter", "label=dev.taskdrivers.alloc_id=" + alloc.id()).out)
                .as("no container of the allocation is left")
                .isBlank();
    }

    private static String get(int hostPort) throws IOException, InterruptedException {
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/index.html"))
                .timeout(Duration.ofSeconds(5))
                .build();
        return HttpClient.newHttpClient()
                .send(get, HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static List<String> infraContainers(String allocId) throws IOException, InterruptedException {
        String out = docker(
                        "ps",
                        "-aq",
                        "--no-trunc",
                        "--filter",
                        "label=dev.taskdrivers.alloc_id=" + allocId,
                        "--filter",
                        "label=dev.taskdrivers.role=network")
                .out;
        return out.isBlank() ? List.of() : List.of(out.strip().split("\\s+"));
    }

    private record Result(int exit, String out) {}

    private static Result docker(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out);
        }
        return new Result(p.exitValue(), out);
    }
}
