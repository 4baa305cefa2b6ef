package dev.taskdrivers.hostprocess;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutablesTest {

    @Test
    void namesAreSearchedOnThePathAndPathsAreTakenAsGiven(@TempDir Path dir) throws Exception {
        Path tool = Files.createFile(
                dir.resolve("tool"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.createFile(dir.resolve("data"));
        assertThat(Executables.resolve("tool", "/nowhere:" + dir, null)).contains(tool);
        assertThat(Executables.resolve("data", dir.toString(), null))
                .as("not executable")
                .isEmpty();
        assertThat(Executables.resolve(tool.toString(), "", null)).contains(tool);
        assertThat(Executables.resolve("./tool", "", dir)).contains(dir.resolve("./tool"));
        assertThat(Executables.resolve("missing", dir.toString(), null)).isEmpty();
        assertThat(Executables.resolve("", dir.toString(), null)).isEmpty();
    }
}
