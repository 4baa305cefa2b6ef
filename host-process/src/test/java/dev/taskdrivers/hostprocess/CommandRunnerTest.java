package dev.taskdrivers.hostprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {
    private final CommandRunner runner = new CommandRunner();

    @Test
    void outputIsCappedAndTheEnvironmentIsExactlyTheOneGiven(@TempDir Path dir) throws Exception {
        CommandResult r = runner.run(
                List.of("sh", "-c", "echo \"$ONLY-$HOME\"; printf 0123456789 >&2; exit 3"),
                Map.of("ONLY", "this"),
                dir,
                Duration.ofSeconds(30),
                5,
                dir.resolve("scratch"));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.ok()).isFalse();
        assertThat(r.stdout()).isEqualTo("this-");
        assertThat(r.stderr()).isEqualTo("01234");
        assertThat(r.truncated()).isTrue();
        assertThat(r.message()).isEqualTo("01234");
        try (var left = Files.list(dir.resolve("scratch"))) {
            assertThat(left).as("output files are removed").isEmpty();
        }
    }

    @Test
    void aTimeoutKillsTheCommandAndWhatItStarted(@TempDir Path dir) throws Exception {
        Path pid = dir.resolve("pid");
        CommandResult r = runner.run(
                List.of("sh", "-c", "sleep 300 & echo $! > " + pid + "; wait"), Duration.ofMillis(500), 1024);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        ProcessIdentity child =
                new ProcessIdentity(Long.parseLong(Files.readString(pid).strip()), ProcessIdentity.UNKNOWN_START);
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        ProcStat.read(child.pid()).filter(ProcStat::running).isEmpty());
    }

    @Test
    void aMissingProgramFailsNamingItAndNoArgvIsRefused() {
        assertThatThrownBy(() -> runner.run(List.of(), Duration.ofSeconds(1), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("argv");
        CommandResult missing = runWithoutThrowing(List.of("/no/such/program"));
        assertThat(missing.ok()).as("setsid reports the missing program").isFalse();
        assertThat(missing.message()).contains("/no/such/program");
    }

    private CommandResult runWithoutThrowing(List<String> argv) {
        try {
            return runner.run(argv, Duration.ofSeconds(10), 4096);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
