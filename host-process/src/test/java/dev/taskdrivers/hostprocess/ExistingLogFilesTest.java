package dev.taskdrivers.hostprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.LogStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One listing tells both streams of one task apart from every other file of the logs directory. */
class ExistingLogFilesTest {
    @TempDir
    Path dir;

    @Test
    void eachStreamGetsItsOwnHighestIndexAndRotationCopy() throws Exception {
        for (String name : new String[] {
            "web.stdout.0",
            "web.stdout.3",
            "web.stdout.12",
            "web.stderr.1",
            "web.stderr.rotating",
            "web2.stdout.40",
            "we.stdout.50",
            "web.stdout.x7",
            "web.stdout.",
            "web.stdout.1234567890",
            "web.stdoutx.60"
        }) {
            Files.writeString(dir.resolve(name), "");
        }

        ExistingLogFiles web = ExistingLogFiles.list(dir, "web");

        assertThat(web.highestIndex(LogStream.STDOUT)).isEqualTo(12);
        assertThat(web.highestIndex(LogStream.STDERR)).isEqualTo(1);
        assertThat(web.rotating(LogStream.STDERR)).isTrue();
        assertThat(web.rotating(LogStream.STDOUT)).isFalse();
        assertThat(ExistingLogFiles.list(dir, "web2").highestIndex(LogStream.STDOUT))
                .isEqualTo(40);
    }

    @Test
    void aMissingDirectoryHasNoLogs() {
        ExistingLogFiles none = ExistingLogFiles.list(dir.resolve("absent"), "web");

        assertThat(none.highestIndex(LogStream.STDOUT)).isZero();
        assertThat(none.rotating(LogStream.STDOUT)).isFalse();
    }
}
