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
    private static final String JOB = """
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
                """;

    @TempDir
    Path root;

    @BeforeEach
    void requireRawExec() {
        RawExec.require(root.resolve("probe"));
    }

    @Test
    void aTaskRunsWithTheValuesOfTheCommandLineAndTheVarFile() throws Exception {
        Path varFile = root.resolve("greet.vars.hcl");
        Files.writeString(varFile, "greeting = \"good morning\"\nwho = \"file\"\n");
        Path result = root.resolve("greeting.txt");

        assertThat(run("-var-file", varFile.toString(), "-var", "who=command line", "--var", "out=" + result))
                .isZero();
        assertThat(Files.readString(result)).isEqualTo("good morning command line\n");
    }

    @Test
    void aTaskRunsWithTheValuesOfAJsonVarFile() throws Exception {
        Path varFile = root.resolve("greet.vars.json");
        Path result = root.resolve("greeting.txt");
        Files.writeString(varFile, "{\"greeting\": \"good evening\", \"who\": \"json\", \"out\": \"" + result + "\"}");

        assertThat(run("-var-file", varFile.toString())).isZero();
        assertThat(Files.readString(result)).isEqualTo("good evening json\n");
    }

    private int run(String... options) throws Exception {
        Path spec = root.resolve("greet.nomad.hcl");
        Files.writeString(spec, JOB);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] args = new String[options.length + 4];
        args[0] = "run";
        args[1] = spec.toString();
        args[2] = "--state-dir";
        args[3] = root.resolve("s").toString();
        System.arraycopy(options, 0, args, 4, options.length);
        int code = cl.execute(args);
        assertThat(code).as(out.toString() + err).isZero();
        return code;
    }
}
