package dev.taskdrivers.cli.real;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.cli.Main;
import dev.taskdrivers.runner.real.RawExec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run} gives a job the node the --node-* options describe: the task sees its name, class, attributes, meta. */
@Tag("real")
class RunNodeOptionsTest {
    @TempDir
    Path root;

    @Test
    void aTaskSeesTheNodeTheCommandLineDescribes() throws Exception {
        RawExec.require(root.resolve("probe"));
        Path result = root.resolve("node.txt");
        Path spec = root.resolve("node.nomad.hcl");
        Files.writeString(spec, """
                job "node" {
                  type = "batch"
                  group "g" {
                    task "t" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/sh"
                        args    = ["-c", "echo '${node.unique.name} ${node.class} ${node.pool} ${node.datacenter} ${attr.rack} ${meta.zone}' > %s"]
                      }
                    }
                  }
                }
                """.formatted(result));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        int code = cl.execute(
                "run",
                spec.toString(),
                "--state-dir",
                root.resolve("s").toString(),
                "--node-name",
                "edge-7",
                "--node-class",
                "gpu",
                "--node-pool",
                "edge",
                "--datacenter",
                "eu-west",
                "--node-attr",
                "rack=r12",
                "--node-meta",
                "zone=b");

        assertThat(code).as(out.toString() + err).isZero();
        assertThat(Files.readString(result)).isEqualTo("edge-7 gpu edge eu-west r12 b\n");
    }
}
