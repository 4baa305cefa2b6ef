package dev.taskdrivers.runner.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.TaskId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CoreReservationsTest {
    private final AtomicInteger reads = new AtomicInteger();
    private final CoreReservations fourCores = new CoreReservations(() -> {
        reads.incrementAndGet();
        return List.of(0, 1, 2, 3);
    });

    private static TaskId task(int alloc, String name) {
        return new TaskId("alloc-" + alloc, "web", "g", alloc, name);
    }

    @Test
    void eachTaskGetsTheLowestCoresNoOtherTaskHolds() {
        assertThat(fourCores.reserve(task(0, "a"), 1)).containsExactly(0);
        assertThat(fourCores.reserve(task(0, "b"), 2)).containsExactly(1, 2);
        assertThat(fourCores.reserve(task(1, "a"), 1)).containsExactly(3);
        assertThat(reads).as("the host's cores are read once").hasValue(1);
    }

    @Test
    void aTaskThatHoldsCoresGetsTheSameOnesAgain() {
        TaskId a = task(0, "a");
        List<Integer> first = fourCores.reserve(a, 2);
        fourCores.reserve(task(0, "b"), 1);

        assertThat(fourCores.reserve(a, 2)).isEqualTo(first).containsExactly(0, 1);
        assertThat(fourCores.heldBy(a)).containsExactly(0, 1);
    }

    @Test
    void releasedCoresGoToTheNextTaskThatAsks() {
        TaskId a = task(0, "a");
        fourCores.reserve(a, 3);
        fourCores.release(a);

        assertThat(fourCores.heldBy(a)).isEmpty();
        assertThat(fourCores.reserve(task(1, "b"), 4)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aTaskAskingForMoreCoresThanAreFreeIsRefusedNamingTheFieldAndWhoHoldsThem() {
        fourCores.reserve(task(0, "a"), 2);
        fourCores.reserve(task(1, "b"), 1);

        assertThatThrownBy(() -> fourCores.reserve(task(2, "c"), 2))
                .isInstanceOf(CoreReservations.CoresUnavailableException.class)
                .hasMessage("resources.cores: the task asks for 2 cores, but only 1 of the 4 cores this runner may"
                        + " use (0-3) is free: the others are held by web.g[0]/a (0-1), web.g[1]/b (2)");
        assertThat(fourCores.heldBy(task(2, "c")))
                .as("a refused task holds nothing")
                .isEmpty();
        assertThat(fourCores.reserve(task(3, "d"), 1)).containsExactly(3);
    }

    @Test
    void aTaskAskingForMoreCoresThanTheRunnerMayUseIsRefusedSayingHowManyThereAre() {
        assertThatThrownBy(() -> fourCores.reserve(task(0, "a"), 5))
                .hasMessage("resources.cores: the task asks for 5 cores, but this runner may use only 4 (0-3)");
    }

    @Test
    void restoredCoresAreHeldByTheirTaskAndNotGivenToAnother() {
        fourCores.restore(task(0, "a"), List.of(1, 3));

        assertThat(fourCores.heldBy(task(0, "a"))).containsExactly(1, 3);
        assertThat(fourCores.reserve(task(1, "b"), 2)).containsExactly(0, 2);
        assertThatThrownBy(() -> fourCores.reserve(task(2, "c"), 1)).hasMessageContaining("only 0 of the 4");
    }

    @Test
    void coresTwoRecoveredTasksBothRecordedStayHeldUntilBothEnd() {
        // a state written by a runner that gave every task the lowest cores
        fourCores.restore(task(0, "a"), List.of(0));
        fourCores.restore(task(1, "b"), List.of(0));
        fourCores.release(task(0, "a"));

        assertThat(fourCores.reserve(task(2, "c"), 1)).containsExactly(1);
        fourCores.release(task(1, "b"));
        assertThat(fourCores.reserve(task(3, "d"), 1)).containsExactly(0);
    }

    @Test
    void theLowestCoresFollowTheRunnersCpuset() {
        CoreReservations odd = new CoreReservations(() -> List.of(1, 3, 5));

        assertThat(odd.lowest(2)).containsExactly(1, 3);
        assertThat(odd.reserve(task(0, "a"), 2)).containsExactly(1, 3);
        assertThatThrownBy(() -> odd.reserve(task(1, "b"), 2)).hasMessageContaining("(1,3,5)");
    }

    // ---- property: no core is ever held by two live tasks --------------------------------------------------------

    /** One step: task {@code task} asks for {@code count} cores, or ends when {@code count} is 0. */
    record Step(int task, int count) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(
                        Arbitraries.integers().between(0, 7),
                        Arbitraries.integers().between(0, 5))
                .as(Step::new);
        return step.list().ofMaxSize(60);
    }

    @Property
    void noCoreIsEverGivenToTwoLiveTasks(
            @ForAll("steps") List<Step> steps, @ForAll @IntRange(min = 1, max = 6) int hostCores) {
        List<Integer> usable = new ArrayList<>();
        for (int i = 0; i < hostCores; i++) {
            usable.add(i * 2); // not 0..n-1: ids need not be dense
        }
        CoreReservations reservations = new CoreReservations(() -> usable);
        Map<Integer, List<Integer>> live = new HashMap<>();
        for (Step s : steps) {
            TaskId id = task(s.task(), "t");
            if (s.count() == 0) {
                reservations.release(id);
                live.remove(s.task());
                continue;
            }
            int free =
                    usable.size() - live.values().stream().mapToInt(List::size).sum();
            List<Integer> before = live.get(s.task());
            try {
                List<Integer> granted = reservations.reserve(id, s.count());
                if (before != null) {
                    assertThat(granted).as("a task keeps its cores").isEqualTo(before);
                } else {
                    assertThat(granted).hasSize(s.count());
                    assertThat(s.count()).isLessThanOrEqualTo(free);
                    live.put(s.task(), granted);
                }
            } catch (CoreReservations.CoresUnavailableException e) {
                assertThat(before).as("a task holding cores is never refused").isNull();
                assertThat(s.count()).as("refused only when too few are free").isGreaterThan(free);
                assertThat(e.getMessage()).startsWith("resources.cores: ");
            }
            Set<Integer> seen = new HashSet<>();
            for (List<Integer> cores : live.values()) {
                for (Integer core : cores) {
                    assertThat(usable).contains(core);
                    assertThat(seen.add(core)).as("core " + core + " held once").isTrue();
                }
            }
            live.forEach(
                    (t, cores) -> assertThat(reservations.heldBy(task(t, "t"))).isEqualTo(cores));
        }
    }
}
