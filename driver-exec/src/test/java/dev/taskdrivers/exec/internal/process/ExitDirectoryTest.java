package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void aSettledDirectoryIsListedAgainOnlyAfterItChanged() throws Exception {
        Files.writeString(dir.resolve("a"), "exited 0\n");
        settle();
        ExitDirectory exits = new ExitDirectory(dir, true);

        assertThat(exits.listIfChanged())
                .hasValueSatisfying(names -> assertThat(names).containsExactly("a"));
        assertThat(exits.listIfChanged()).isEmpty();

        Files.writeString(dir.resolve("b"), "exited 1\n");
        assertThat(exits.listIfChanged())
                .hasValueSatisfying(names -> assertThat(names).containsOnly("a", "b"));
    }

    @Test
    void aDirectoryChangedMomentsAgoIsListedAgainAsItsTimeStampMayHideALaterChange() throws Exception {
        Files.writeString(dir.resolve("a"), "exited 0\n");
        ExitDirectory exits = new ExitDirectory(dir, true);

        assertThat(exits.listIfChanged()).isPresent();
        assertThat(exits.listIfChanged()).isPresent();
    }

    @Test
    void aMissingDirectoryHasNothing() {
        ExitDirectory exits = new ExitDirectory(dir.resolve("none"), false);

        assertThat(exits.listIfChanged()).isEmpty();
        assertThat(exits.list()).isEmpty();
    }

    private void settle() throws Exception {
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minusSeconds(10)));
    }
}
