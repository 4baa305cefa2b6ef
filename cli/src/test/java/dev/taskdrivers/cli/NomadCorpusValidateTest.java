package dev.taskdrivers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code validate} on public Nomad job files of the runner's corpus (task-runner's test resources, origins in its
 * CORPUS.md), as a user would bring them: each is valid with every driver of the command line, and what it says
 * besides is only warnings about scheduler settings.
 */
class NomadCorpusValidateTest {
    static final Path CORPUS = Path.of("../task-runner/src/test/resources/nomad-corpus");

    @ParameterizedTest
    @CsvSource({
        "job-init-example.nomad.hcl, example, 1",
        "system-job.nomad, system_job, 1",
        "periodic-simple.nomad, periodic, 1",
        "lifecycle-batch.nomad, batch-lifecycle, 3",
        "tutorial-pytechco-redis.nomad.hcl, pytechco-redis, 1",
        "consul-checks-task.nomad.json, task_check, 1",
    })
    void aCorpusJobFileIsValidWithWarningsOnly(String file, String job, int tasks) throws Exception {
        Path spec = CORPUS.resolve(file);
        assertThat(spec).as("run from the cli module's directory").isRegularFile();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = validate(spec, out, err);

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith(spec + " is valid: job " + job + ", 1 group(s), " + tasks + " task(s)");
        assertThat(err.toString().lines())
                .allSatisfy(line -> assertThat(line)
                        .matches("warning: \\S+: (ignored: it steers a cluster scheduler"
                                + " or Nomad's servers.*|runs as a service job.*)"));
        assertThat(Files.readString(CORPUS.resolve("CORPUS.md"))).contains("`" + file + "`");
    }

    @Test
    void aCorpusJobFileWhoseProgramThisNodeLacksIsValidWithAWarningOfThisNode() {
        Path spec = CORPUS.resolve("guides-tomcat.nomad");
        assertThat(Path.of("/usr/local/bin/starttomcat.sh"))
                .as("the operator's script of the guide")
                .doesNotExist();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = validate(spec, out, err);

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString().lines().filter(l -> l.startsWith("warning: this node: ")))
                .containsExactly("warning: this node: job.groups[0].tasks[0].config.command:"
                        + " '/usr/local/bin/starttomcat.sh' is not an executable file on this node");
        assertThat(out.toString())
                .startsWith(spec + " is valid: job tomcat, 1 group(s), 1 task(s); this node cannot run it as it is (1"
                        + " warning(s) of this node: run refuses them here)");
    }

    private static int validate(Path spec, StringWriter out, StringWriter err) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute("validate", spec.toString());
    }
}
