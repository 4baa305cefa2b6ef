package dev.taskdrivers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.TemplateOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code run}'s --template-wait and --template-wait-bounds: Nomad's defaults, values read, usage errors. */
class TemplateWaitOptionsTest {
    private final StringWriter err = new StringWriter();

    private static TemplateOptions parsed(String... args) {
        CommandLine cl = Main.commandLine();
        cl.parseArgs(args);
        RunCommand run = cl.getSubcommands().get("run").getCommand();
        return run.templateWaits.options();
    }

    private int execute(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void withoutTheOptionsNomadsDefaultsApply() {
        assertThat(parsed("run", "job.nomad.hcl")).isSameAs(TemplateOptions.DEFAULT);
    }

    @Test
    void theWaitAndEitherSideOfTheBoundsAreRead() {
        TemplateOptions options = parsed("run", "--template-wait", "1s:30s", "--template-wait-bounds", "2s:", "j.hcl");
        TemplateOptions upper = parsed("run", "--template-wait-bounds=:1m30s", "j.hcl");

        assertThat(options.waitMin()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.waitMax()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.waitBoundsMin()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.waitBoundsMax()).isNull();
        assertThat(upper.waitBoundsMin()).isNull();
        assertThat(upper.waitBoundsMax()).isEqualTo(Duration.ofSeconds(90));
        assertThat(upper.waitMin()).isEqualTo(TemplateOptions.DEFAULT_WAIT_MIN);
    }

    @Test
    void aMalformedOrInconsistentValueIsAUsageErrorNamingTheOption() {
        assertThat(execute("run", "--template-wait", "5s", "j.hcl")).isEqualTo(2);
        assertThat(execute("run", "--template-wait", "5s:soon", "j.hcl")).isEqualTo(2);
        assertThat(execute("run", "--template-wait", "10s:5s", "j.hcl")).isEqualTo(2);
        assertThat(execute("run", "--template-wait-bounds", "1m:1s", "j.hcl")).isEqualTo(2);

        assertThat(err.toString())
                .contains("--template-wait 5s: expected MIN:MAX, as in 5s:4m")
                .contains("--template-wait 5s:soon: \"soon\" is not a duration like 5s or 4m")
                .contains("--template-wait 10s:5s: wait.max: must not be below wait.min (PT10S), got PT5S")
                .contains("--template-wait-bounds 1m:1s: wait_bounds.max: must not be below wait_bounds.min (PT1M),"
                        + " got PT1S");
    }
}
