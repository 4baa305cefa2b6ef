package dev.taskdrivers.runner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.TaskId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskCoresTest {
    private final CoreReservations reservations = new CoreReservations(() -> List.of(0, 1, 2, 3));
    private final TaskId id = new TaskId("alloc-1", "web", "g", 0, "t");

    @Test
    void theHeldCoresAreRecordedWithTheDriversOverridesAndTakenBackFromThem() {
        reservations.reserve(new TaskId("alloc-0", "web", "g", 0, "other"), 1);
        TaskCores cores = new TaskCores(reservations, id, 2);
        assertThat(cores.reserve()).isEmpty();

        Map<String, String> recorded = cores.recordIn(Map.of("FROM_DRIVER", "x"));
        assertThat(recorded).containsExactlyInAnyOrderEntriesOf(Map.of("FROM_DRIVER", "x", "NOMAD_CPU_CORES", "1-2"));

        CoreReservations afterRestart = new CoreReservations(() -> List.of(0, 1, 2, 3));
        new TaskCores(afterRestart, id, 2).restore(recorded, true);
        assertThat(afterRestart.heldBy(id)).containsExactly(1, 2);
    }

    @Test
    void aTaskThatRanWithoutRecordedCoresHoldsTheLowestOnesAnEarlierRunnerGaveIt() {
        new TaskCores(reservations, id, 2).restore(Map.of(), true);

        assertThat(reservations.heldBy(id)).containsExactly(0, 1);
    }

    @Test
    void aTaskThatNeverRanAndRecordedNoCoresHoldsNone() {
        new TaskCores(reservations, id, 2).restore(null, false);

        assertThat(reservations.heldBy(id)).isEmpty();
    }

    @Test
    void aTaskWithoutCoresNeitherHoldsNorRecordsAny() {
        TaskCores cores = new TaskCores(reservations, id, 0);

        assertThat(cores.reserve()).isEmpty();
        assertThat(cores.held()).isEmpty();
        assertThat(cores.recordIn(Map.of())).isEmpty();
        assertThat(reservations.reserve(new TaskId("alloc-2", "web", "g", 0, "all"), 4))
                .hasSize(4);
    }

    @Test
    void aRefusalIsReturnedAndReleaseGivesTheCoresBack() {
        TaskId other = new TaskId("alloc-0", "web", "g", 0, "other");
        reservations.reserve(other, 4);
        TaskCores cores = new TaskCores(reservations, id, 1);

        assertThat(cores.reserve()).hasValueSatisfying(m -> assertThat(m).startsWith("resources.cores: "));
        reservations.release(other);
        assertThat(cores.reserve()).isEmpty();
        assertThat(cores.held()).containsExactly(0);
        cores.release();
        assertThat(reservations.heldBy(id)).isEmpty();
    }
}
