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

    @Test
    void theRecoveryTrainingReattachesTheTaskAnEarlierRunnerLeftRunning() throws Exception {
        // reattached, not started again: the archive then holds the classes of taking a task over
        String printed = ClassDataTraining.trainRecovery(dir);

        assertThat(printed)
                .contains("1 task(s) reattached, 0 relaunched")
                .contains("job recovery is already in")
                .contains("recovery.g[0] left: succeeded (exit code 0)");
    }
}
