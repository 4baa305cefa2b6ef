package dev.taskdrivers.cli.real;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.consul.TestAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --registry consul} in a child JVM: a task's template reads a key of the agent's KV store through the
 * registry's address and ACL token (the agent denies anonymous reads).
 */
@Tag("real")
class ConsulTemplatesCommandLineTest {
    @TempDir
    Path root;

    private String prefix;

    @BeforeEach
    void setUp() {
        TestAgent.require();
        prefix = TestAgent.freshPrefix();
    }

    @AfterEach
    void tearDown() {
        TestAgent.deleteKeys(prefix);
        TestAgent.deregisterAll(prefix);
    }

    @Test
    void aTemplateReadsItsKeyFromTheConsulAgentTheRegistryUses() throws Exception {
        String key = prefix + "/greeting";
        TestAgent.putKey(key, "hello from consul");
        Path seen = root.resolve("seen.txt");
        Path spec = root.resolve("job.json");
        Files.writeString(spec, """
                {"job": {"name": "clikv", "type": "batch", "groups": [{"name": "g", "tasks": [{"name": "show",
                  "driver": "raw_exec",
                  "config": {"command": "/bin/sh", "args": ["-c", "cat local/greeting.txt > SEEN"]},
                  "templates": [{"data": "{{ key \\"KEY\\" }}", "destination": "local/greeting.txt"}]}]}]}}
                """.replace("SEEN", seen.toString()).replace("KEY", key));
        Path out = root.resolve("cli.out");
        Path err = root.resolve("cli.err");
        Process cli = new ProcessBuilder(List.of(
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
                        "id_prefix=" + prefix))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            // a template that cannot read the key waits for it: the run would not end
            boolean ended = cli.waitFor(60, TimeUnit.SECONDS);
            String output = Files.readString(out) + Files.readString(err);
            assertThat(ended).as(output).isTrue();
            assertThat(cli.exitValue()).as(output).isZero();
            assertThat(seen).hasContent("hello from consul");
            assertThat(output).contains("clikv.g[0] show: succeeded");
        } finally {
            if (cli.isAlive()) {
                cli.destroyForcibly().waitFor();
            }
        }
    }
}
