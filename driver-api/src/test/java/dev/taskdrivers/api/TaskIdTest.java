package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TaskIdTest {

    @Test
    void refusesNamesUnsafeForFilesAndContainerNames() {
        assertThatThrownBy(() -> new TaskId("a1", "job", "grp", 0, "../etc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("taskName");
        assertThatThrownBy(() -> new TaskId("a 1", "job", "grp", 0, "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allocId");
    }

    @Test
    void namesTheAllocationLikeNomad() {
        TaskId id = new TaskId("a1", "job", "grp", 3, "t");
        assertThat(id.allocName()).isEqualTo("job.grp[3]");
        assertThat(id.key()).isEqualTo("a1/t");
    }
}
