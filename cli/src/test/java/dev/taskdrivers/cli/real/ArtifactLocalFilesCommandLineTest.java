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

/** {@code run --artifact-local-files}: a local file as an artifact source, refused without the flag. */
@Tag("real")
class ArtifactLocalFilesCommandLineTest {
    @TempDir
    Path root;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Path seen;
    private Path spec;

    @BeforeEach
    void setUp() throws Exception {
        RawExec.require(root.resolve("probe"));
        Path source = root.resolve("settings.conf");
        Files.writeString(source, "level=debug\n");
        seen = root.resolve("seen.txt");
        spec = root.resolve("job.json");
        Files.writeString(spec, """
                {"job": {"name": "localart", "type": "batch", "groups": [{"name": "g", "tasks": [{"name": "show",
                  "driver": "raw_exec",
                  "config": {"command": "/bin/sh", "args": ["-c", "cat local/settings.conf > SEEN"]},
                  "artifacts": [{"source": "file://SOURCE", "destination": "local/"}]}]}]}}
                """.replace("SEEN", seen.toString()).replace("SOURCE", source.toString()));
    }

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void withTheFlagALocalFileArtifactReachesTheTask() {
        int code =
                run("run", spec.toString(), "--state-dir", root.resolve("state").toString(), "--artifact-local-files");

        assertThat(code).as(out.toString() + err).isZero();
        assertThat(seen).hasContent("level=debug");
    }

    @Test
    void withoutTheFlagALocalFileArtifactIsRefusedAndTheTaskNeverRuns() {
        int code =
                run("run", spec.toString(), "--state-dir", root.resolve("state").toString());

        assertThat(code).as(out.toString() + err).isEqualTo(1);
        assertThat(out.toString()).contains("local files are not allowed as artifact sources");
        assertThat(seen).doesNotExist();
    }

    @Test
    void helpDescribesTheFlag() {
        run("run", "--help");

        assertThat(out.toString()).contains("--artifact-local-files");
    }
}
