package dev.taskdrivers.runner.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Nomad job file whose raw_exec tasks are in a {@code network { mode = "bridge" }} group, run through the runner on
 * the real kernel: the tasks share the allocation's network namespace (one reaches the other on localhost:8080), the
 * host reaches the served port through its host port, the namespace outlives a runner restart, and nothing of it is
 * left once the allocation stopped.
 */
@Tag("real")
class RawExecBridgeNetworkRunTest {
    private static final String JOB = """
            job "rawbridge" {
              group "g" {
                network {
                  mode = "bridge"
                  port "http" {
                    to = 8080
                  }
                }
                task "web" {
                  driver = "raw_exec"
                  config {
                    command = "perl"
                    args    = ["local/server.pl"]
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
                  template {
                    destination = "local/server.pl"
                    data        = <<EOT
            use IO::Socket::INET;
            open(my $f, '>', "$ENV{NOMAD_ALLOC_DIR}/web-ports"); print $f "$ENV{NOMAD_PORT_http} $ENV{NOMAD_HOST_PORT_http}\\n"; close($f);
            my $s = IO::Socket::INET->new(LocalPort => $ENV{NOMAD_PORT_http}, Listen => 5, ReuseAddr => 1) or die "listen: $!";
            while (my $c = $s->accept) { print $c "hello from the group\\n"; close $c }
            EOT
                  }
                }
                task "client" {
                  driver = "raw_exec"
                  config {
                    command = "perl"
                    args    = ["local/client.pl"]
                  }
                  template {
                    destination = "local/client.pl"
                    data        = <<EOT
            use IO::Socket::INET;
            my $line;
            until ($line) { my $c = IO::Socket::INET->new(PeerAddr => '127.0.0.1:8080'); if ($c) { $line = <$c> } else { sleep 1 } }
            open(my $f, '>', "$ENV{NOMAD_ALLOC_DIR}/got"); print $f $line; close($f);
            sleep 3600;
            EOT
                  }
                }
              }
            }
            """;

    @TempDir
    Path root;

    TaskRunner runner;

    @BeforeEach
    void setUp() {
        RealEnvironment.require("root".equals(System.getProperty("user.name")), "a runner running as root");
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
                .build();
    }

    @Test
    void theTasksShareTheNamespaceTheHostReachesItsPortAndARunnerRestartKeepsItUntilTheStop() throws Exception {
        AllocationHandle alloc = runner.submit(runner.parse(JOB)).get(0);
        String allocId = alloc.id();
        Path allocDir = root.resolve("data/alloc").resolve(allocId).resolve("alloc");
        int hostPort =
                alloc.status().tasks().get("web").port("http").orElseThrow().value();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(allocDir.resolve("got"))
                        .as("the client reached the web task on localhost:8080 of their namespace")
                        .exists()
                        .hasContent("hello from the group\n"));
        assertThat(Files.readString(allocDir.resolve("web-ports")).strip())
                .as("NOMAD_PORT_http is the to port, NOMAD_HOST_PORT_http the host port")
                .isEqualTo("8080 " + hostPort);
        assertThat(readLine(hostPort)).isEqualTo("hello from the group");
        assertThat(Path.of("/run/netns/td-" + allocId)).exists();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> runner.nomadServices().size() == 3);
        Map<String, String> advertised = new TreeMap<>();
        runner.nomadServices().forEach(r -> advertised.put(r.serviceName(), r.address() + ":" + r.port()));
        assertThat(advertised)
                .containsEntry("web-host", "127.0.0.1:" + hostPort)
                .containsEntry("web-alloc", "127.0.0.1:8080");
        assertThat(advertised.get("web-driver"))
                .as("the namespace's address")
                .startsWith("10.213.")
                .endsWith(":8080");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> alloc.status().tasks().values().stream().allMatch(t -> t.state() == TaskState.RUNNING));

        runner.close(); // leaves the tasks and their namespace
        runner = newRunner();
        RecoveryReport report = runner.recover();

        assertThat(report.reattached()).as("%s", report).isEqualTo(2);
        assertThat(readLine(hostPort)).isEqualTo("hello from the group");

        runner.allocation(allocId).orElseThrow().stop().get(60, TimeUnit.SECONDS);

        assertThat(Path.of("/run/netns/td-" + allocId)).as("the namespace").doesNotExist();
        assertThat(run("iptables", "-w", "-t", "nat", "-S"))
                .as("its port forwards")
                .doesNotContain("taskdrivers:td-" + allocId);
        assertThat(run("ip", "-o", "link", "show")).as("its veth pair").doesNotContain("link-netns td-" + allocId);
    }

    private static String readLine(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(2000);
            String line =
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line;
        }
    }

    private static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", argv) + ": " + out).isZero();
        return out;
    }
}
