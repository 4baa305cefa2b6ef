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

/** A batch job ended by its group's {@code max_run_duration}: {@code run}'s summary and {@code status} say so. */
@Tag("real")
class MaxRunDurationCommandLineTest {
    @TempDir
    Path root;

    private static final String JOB = """
            job "nightly" {
              type = "batch"
              group "g" {
                max_run_duration = "2s"
                task "work" {
                  driver = "raw_exec"
                  config {
                    command = "/bin/sleep"
                    args    = ["3600"]
                  }
                }
              }
            }
            """;

    @Test
    void theSummaryAndStatusNameTheDeadlineThatEndedTheAllocation() throws Exception {
        RawExec.require(root.resolve("probe"));
        Path spec = Files.writeString(root.resolve("nightly.nomad.hcl"), JOB);
        Path state = root.resolve("state");

        StringWriter run = new StringWriter();
        int code = execute(
                run,
                "run",
                spec.toString(),
                "--state-dir",
                state.toString(),
                "--data-dir",
                root.resolve("data").toString());

        assertThat(code).as("complete, not failed, as Nomad ends it: %s", run).isZero();
        assertThat(run.toString())
                .contains("nightly.g[0] work: succeeded (killed by signal 15)")
                .contains("nightly.g[0]: allocation exceeded max_run_duration of 2s");
        StringWriter status = new StringWriter();
        assertThat(execute(status, "status", "--state-dir", state.toString())).isZero();
        assertThat(status.toString())
                .containsPattern("nightly\\.g\\[0\\] \\S+: finished \\(allocation exceeded max_run_duration of 2s\\)");
    }

    private static int execute(StringWriter out, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        return cl.execute(args);
    }
}
