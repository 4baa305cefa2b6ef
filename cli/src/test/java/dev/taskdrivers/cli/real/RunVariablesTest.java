package dev.taskdrivers.cli.real;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.cli.Main;
import dev.taskdrivers.runner.real.RawExec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run} gives a job file's variables the values of -var and -var-file: the task sees them. */
@Tag("real")
class RunVariablesTest {
    @TempDir
    Path root;

    @BeforeEach
    void requireRawExec() {
        RawExec.require(root.resolve("probe"));
    }

    @Test
    void aTaskRunsWithTheValuesOfTheCommandLineAndTheVarFile() throws Exception {
        Path spec = root.resolve("greet.nomad.hcl");
        Files.writeString(spec, """
                variable "greeting" {
                  default = "hello"
                }

                variable "who" {}

                variable "out" {}

                job "greet" {
                  type = "batch"

                  group "g" {
                    task "t" {
                      driver = "raw_exec"

                      config {
                        command = "/bin/sh"
                        args    = ["-c", "echo '${var.greeting} ${var.who}' > ${var.out}"]
                      }
                    }
                  }
                }
                """);
        Path varFile = root.resolve("greet.vars.hcl");
        Files.writeString(varFile, "greeting = \"good morning\"\nwho = \"file\"\n");
        Path result = root.resolve("greeting.txt");
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
                "-var-file",
                varFile.toString(),
                "-var",
                "who=command line",
                "--var",
                "out=" + result);

        assertThat(code).as(out.toString() + err).isZero();
        assertThat(Files.readString(result)).isEqualTo("good morning command line\n");
    }
}
