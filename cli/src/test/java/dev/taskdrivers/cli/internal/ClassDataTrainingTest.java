package dev.taskdrivers.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataTrainingTest {
    @TempDir
    Path dir;

    @Test
    void theTrainingRunsItsRawExecAndDockerTasksToSuccessWithoutAnEngine() throws Exception {
        // exit 0 means both tasks ran to their end, so the archive holds the classes of a docker task's whole path
        assertThat(ClassDataTraining.train(dir)).isZero();
        assertThat(dir.resolve("docker.sock")).doesNotExist();
        assertThat(dir.resolve("state")).isNotEmptyDirectory();
    }
}
