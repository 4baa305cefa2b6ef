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
        Outcome ran = execute(
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

        assertThat(ran.code()).as(ran.toString()).isZero();
        assertThat(Files.readString(result)).isEqualTo("edge-7 gpu edge eu-west r12 b\n");
    }

    @Test
    void whatThisNodeLacksIsAWarningOfValidateAndRefusedByRunUntilTheOptionsGiveIt() throws Exception {
        RawExec.require(root.resolve("probe"));
        Path result = root.resolve("zone.txt");
        Path spec = root.resolve("zone.nomad.hcl");
        Files.writeString(spec, """
                job "zone" {
                  type = "batch"
                  group "g" {
                    task "t" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/sh"
                        args    = ["-c", "echo '${attr.platform.aws.placement.availability-zone}' > %s"]
                      }
                    }
                  }
                }
                """.formatted(result));
        String problem = "job.groups[0].tasks[0].config.args[1]: unknown variable"
                + " ${attr.platform.aws.placement.availability-zone}";

        Outcome validated = execute("validate", spec.toString());
        Outcome refused = execute(
                "run", spec.toString(), "--state-dir", root.resolve("s1").toString());
        Outcome ran = execute(
                "run",
                spec.toString(),
                "--state-dir",
                root.resolve("s2").toString(),
                "--node-attr",
                "platform.aws.placement.availability-zone=eu-west-1a");

        assertThat(validated.code()).as(validated.toString()).isZero();
        assertThat(validated.err()).contains("warning: this node: " + problem);
        assertThat(validated.out())
                .contains(spec + " is valid: job zone, 1 group(s), 1 task(s); this node cannot run it as it is (1"
                        + " warning(s) of this node: run refuses them here)");
        assertThat(refused.code()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).contains(spec + " has 1 problem(s):").contains(problem);
        assertThat(ran.code()).as(ran.toString()).isZero();
        assertThat(Files.readString(result)).isEqualTo("eu-west-1a\n");
    }

    private record Outcome(int code, String out, String err) {}

    private static Outcome execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }
}
