package dev.taskdrivers.exec.internal.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.exec.internal.process.TaskUser;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawExecUserTest {
    private static final TaskUser NOBODY = new TaskUser("nobody", 65534, 65534, List.of(65534));
    private static final TaskUser ROOT = new TaskUser("root", 0, 0, List.of(0));

    @Test
    void aRootRunnerSwitchesToAnotherUser() {
        assertThat(RawExecUser.switchTo(NOBODY, 0)).contains(NOBODY);
    }

    @Test
    void theRunnersOwnUserNeedsNoSwitch() {
        assertThat(RawExecUser.switchTo(ROOT, 0)).isEmpty();
        assertThat(RawExecUser.switchTo(NOBODY, 65534)).isEmpty();
    }

    @Test
    void aRunnerThatIsNotRootRefusesAnotherUser() {
        assertThatThrownBy(() -> RawExecUser.switchTo(NOBODY, 1000))
                .isInstanceOfSatisfying(
                        DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG))
                .hasMessage("cannot run as user nobody: the runner is not root");
        assertThatThrownBy(() -> RawExecUser.switchTo(ROOT, 1000))
                .hasMessage("cannot run as user root: the runner is not root");
    }
}
