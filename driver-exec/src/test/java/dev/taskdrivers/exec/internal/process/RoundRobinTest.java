package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
    @Test
    void slicesComeInTurnAndWrapAround() {
        RoundRobin turn = new RoundRobin();
        List<Integer> items = List.of(1, 2, 3, 4, 5);

        assertThat(turn.next(items, 2)).containsExactly(1, 2);
        assertThat(turn.next(items, 2)).containsExactly(3, 4);
        assertThat(turn.next(items, 2)).containsExactly(5, 1);
        assertThat(turn.next(items, 2)).containsExactly(2, 3);
    }

    @Test
    void allItemsWhenTheyFitInOneSlice() {
        RoundRobin turn = new RoundRobin();

        assertThat(turn.next(List.of(1, 2, 3), 3)).containsExactly(1, 2, 3);
        assertThat(turn.next(List.of(1, 2, 3), 5)).containsExactly(1, 2, 3);
        assertThat(turn.next(List.of(), 5)).isEmpty();
    }

    @Test
    void aShrunkListStillYieldsASliceFromItsStart() {
        RoundRobin turn = new RoundRobin();
        turn.next(List.of(1, 2, 3, 4, 5, 6), 4);

        assertThat(turn.next(List.of(1, 2, 3), 2)).hasSize(2).isSubsetOf(1, 2, 3);
    }
}
