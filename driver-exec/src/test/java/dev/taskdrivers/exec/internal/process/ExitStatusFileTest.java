package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.ExitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitStatusFileTest {

    @Test
    void plainStatusesAreExitCodes() {
        assertThat(ExitStatusFile.parse("status=0\n")).isEqualTo(ExitResult.exited(0));
        assertThat(ExitStatusFile.parse("status=3")).isEqualTo(ExitResult.exited(3));
        assertThat(ExitStatusFile.parse("status=128")).isEqualTo(ExitResult.exited(128));
        assertThat(ExitStatusFile.parse("status=255")).isEqualTo(ExitResult.exited(255));
    }

    @Test
    void statusesAbove128AreSignals() {
        assertThat(ExitStatusFile.parse("status=137")).isEqualTo(ExitResult.signaled(9));
        assertThat(ExitStatusFile.parse("status=143")).isEqualTo(ExitResult.signaled(15));
    }

    @Test
    void theForkServersStatusesArePrecise() {
        assertThat(ExitStatusFile.parse("exited 0\n")).isEqualTo(ExitResult.exited(0));
        assertThat(ExitStatusFile.parse("exited 150\n")).isEqualTo(ExitResult.exited(150));
        assertThat(ExitStatusFile.parse("exited 255")).isEqualTo(ExitResult.exited(255));
        assertThat(ExitStatusFile.parse("signaled 10\n")).isEqualTo(ExitResult.signaled(10));
        assertThat(ExitStatusFile.parse("signaled 6 core\n")).isEqualTo(ExitResult.signaled(6));
    }

    @Test
    void malformedForkServerStatusesAreFailures() {
        assertThat(ExitStatusFile.parse("exited 256").error()).contains("exited 256");
        assertThat(ExitStatusFile.parse("exited x").error()).contains("unreadable");
        assertThat(ExitStatusFile.parse("signaled 0").error()).contains("unreadable");
        assertThat(ExitStatusFile.parse("signaled 9 dumped").error()).contains("unreadable");
    }

    @Test
    void errorsAndGarbageAreFailures() {
        assertThat(ExitStatusFile.parse("error=cannot enter working directory /x")
                        .error())
                .isEqualTo("cannot enter working directory /x");
        assertThat(ExitStatusFile.parse("status=abc").error()).contains("status=abc");
        assertThat(ExitStatusFile.parse("").error()).contains("unreadable");
        assertThat(ExitStatusFile.parse("status=-5").error()).contains("unreadable exit status 'status=-5'");
        assertThat(ExitStatusFile.parse("error=").error()).contains("unreadable exit status 'error='");
    }

    @Test
    void aMissingFileMeansStillRunning(@TempDir Path dir) throws Exception {
        assertThat(ExitStatusFile.read(dir.resolve("exit"))).isEmpty();
        Files.writeString(dir.resolve("exit"), "status=4\n");
        assertThat(ExitStatusFile.read(dir.resolve("exit"))).contains(ExitResult.exited(4));
    }
}
