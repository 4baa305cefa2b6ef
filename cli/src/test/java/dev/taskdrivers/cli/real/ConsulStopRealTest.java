package dev.taskdrivers.cli.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.consul.TestAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's {@code run --registry consul} in a child JVM, stopped with SIGTERM: the deregistrations the
 * stop queues reach the agent before the JVM exits.
 */
@Tag("real")
class ConsulStopRealTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private String prefix;
    private Path pidFile;

    @BeforeEach
    void setUp() {
        TestAgent.require();
        prefix = TestAgent.freshPrefix();
        pidFile = root.resolve("task.pid");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (Files.exists(pidFile)) { // the task, should a failed test have left it running
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
        TestAgent.deregisterAll(prefix);
    }

    @Test
    void sigtermDeregistersTheJobsServicesBeforeTheCommandLineExits() throws Exception {
        Path spec = root.resolve("job.json");
        Files.writeString(spec, """
                {"job": {"name": "clistop", "groups": [{"name": "g", "tasks": [{"name": "web", "driver": "raw_exec",
                  "kill_timeout": "3s", "config": {"command": "/bin/sh", "args": ["-c", "echo $$ > PID; exec sleep 300"]},
                  "resources": {"ports": {"http": {}}},
                  "services": [{"name": "clistop-web", "port": "http"}]}]}]}}
                """.replace("PID", pidFile.toString()));
        Path out = root.resolve("cli.out");
        List<String> argv = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.taskdrivers.cli.Main",
                "run",
                spec.toString(),
                "--state-dir",
                root.resolve("state").toString(),
                "--registry",
                "consul",
                "--registry-opt",
                "address=" + TestAgent.ADDRESS,
                "--registry-opt",
                "token_file=" + TestAgent.runDir().resolve("master-token"),
                "--registry-opt",
                "id_prefix=" + prefix,
                "--registry-opt",
                "probation=0s"));
        Process cli = new ProcessBuilder(argv)
                .redirectOutput(out.toFile())
                .redirectError(root.resolve("cli.err").toFile())
                .start();
        try {
            await().atMost(WAIT).until(() -> !ours().isEmpty() || !cli.isAlive());
            assertThat(ours()).as("registered").hasSize(1);

            new ProcessBuilder("kill", "-TERM", Long.toString(cli.pid()))
                    .start()
                    .waitFor();

            assertThat(cli.waitFor())
                    .as(Files.readString(out) + Files.readString(root.resolve("cli.err")))
                    .isEqualTo(1);
            assertThat(ours()).as("services of the job left in the agent").isEmpty();
            assertThat(Files.readString(out))
                    .contains("Killed")
                    .contains("consul service registry closed")
                    .contains("clistop.g[0] web: stopped")
                    .contains("exit code 1");
        } finally {
            if (cli.isAlive()) {
                cli.destroyForcibly().waitFor();
            }
        }
    }

    private List<String> ours() {
        return TestAgent.services().keySet().stream()
                .filter(id -> id.startsWith(prefix + "-"))
                .toList();
    }
}
