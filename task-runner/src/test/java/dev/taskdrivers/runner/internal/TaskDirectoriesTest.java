package dev.taskdrivers.runner.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.TaskDirs;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskDirectoriesTest {
    @TempDir
    Path root;

    @Test
    void aNewTaskGetsEveryDirectoryAndSecretsOnlyItsOwnerCanEnter() throws Exception {
        TaskDirs dirs = TaskDirs.standard(root.resolve("alloc-1"), "web");

        TaskDirectories.create(dirs);

        assertThat(dirs.allocDir()).isDirectory();
        assertThat(dirs.logsDir()).isDirectory();
        assertThat(dirs.localDir()).isDirectory();
        assertThat(dirs.secretsDir()).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dirs.secretsDir())))
                .isEqualTo("rwx------");
    }

    @Test
    void aSiblingAndARestartReuseWhatExistsAndSecretsAreClosedAgain() throws Exception {
        Path alloc = root.resolve("alloc-1");
        TaskDirs web = TaskDirs.standard(alloc, "web");
        TaskDirectories.create(web);
        Files.writeString(web.localDir().resolve("kept"), "x");
        Files.setPosixFilePermissions(web.secretsDir(), PosixFilePermissions.fromString("rwxr-xr-x"));

        TaskDirectories.create(TaskDirs.standard(alloc, "db"));
        TaskDirectories.create(web);

        assertThat(alloc.resolve("db/local")).isDirectory();
        assertThat(web.localDir().resolve("kept")).hasContent("x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(web.secretsDir())))
                .isEqualTo("rwx------");
    }

    @Test
    void missingAncestorsAreCreated() throws Exception {
        TaskDirs dirs = TaskDirs.standard(root.resolve("removed/data/alloc-1"), "web");

        TaskDirectories.create(dirs);

        assertThat(dirs.localDir()).isDirectory();
        assertThat(dirs.secretsDir()).isDirectory();
    }

    @Test
    void aFileWhereADirectoryBelongsIsAnError() throws Exception {
        TaskDirs dirs = TaskDirs.standard(root.resolve("alloc-1"), "web");
        Files.createDirectories(dirs.allocDir());
        Files.writeString(dirs.logsDir(), "not a directory");

        assertThatThrownBy(() -> TaskDirectories.create(dirs))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(dirs.logsDir().toString());
    }
}
