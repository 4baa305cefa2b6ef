package dev.taskdrivers.runner.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.internal.TaskPhase.Dead;
import dev.taskdrivers.runner.internal.TaskPhase.Detached;
import dev.taskdrivers.runner.internal.TaskPhase.Exited;
import dev.taskdrivers.runner.internal.TaskPhase.Pending;
import dev.taskdrivers.runner.internal.TaskPhase.Restarting;
import dev.taskdrivers.runner.internal.TaskPhase.Restored;
import dev.taskdrivers.runner.internal.TaskPhase.Running;
import dev.taskdrivers.runner.internal.TaskPhase.Stop;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.CleanedUp;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Detach;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Finished;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.HandleEnded;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.HandleStateRead;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.KillRequested;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Relaunching;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.RestartRequested;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.RestartScheduled;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Started;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.StopAfterFailure;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.Test;

class TaskPhaseTest {
    private final TaskHandle handle = mock(TaskHandle.class);
    private final TaskHandle other = mock(TaskHandle.class);
    private final ScheduledFuture<?> pending = mock(ScheduledFuture.class);
    private final HandleState saved = new HandleState("raw_exec", 1, Map.of("pid", "42"));

    @Test
    void aStartedTaskRunsWithItsHandleAndNoStateYet() {
        TaskPhase next = new Pending(false).on(new Started(handle));

        assertThat(next).isEqualTo(new Running(handle, null, Stop.NONE));
        assertThat(next.state()).isEqualTo(TaskState.RUNNING);
        assertThat(next.killRequested()).isFalse();
    }

    @Test
    void aTaskKilledWhileBeingSetUpIsStoppedAsSoonAsItStarts() {
        TaskPhase next = new Pending(false).on(new KillRequested()).on(new Started(handle));

        assertThat(next).isEqualTo(new Running(handle, null, Stop.KILL));
        assertThat(next.killRequested()).isTrue();
    }

    @Test
    void aReattachedTaskKeepsItsRecordedHandleStateUntilTheDriverTellsTheNewOne() {
        TaskPhase reattached = new Restored(TaskState.RUNNING, saved, false).on(new Started(handle));
        assertThat(reattached).isEqualTo(new Running(handle, saved, Stop.NONE));

        HandleState now = new HandleState("raw_exec", 1, Map.of("pid", "43"));
        assertThat(reattached.on(new HandleStateRead(handle, now))).isEqualTo(new Running(handle, now, Stop.NONE));
        assertThat(reattached.on(new HandleStateRead(other, now))).isSameAs(reattached);
    }

    @Test
    void onlyATaskWithoutAHandleCanBeStarted() {
        assertRefused(new Running(handle, null, Stop.NONE), new Started(other));
        assertRefused(new Exited(false), new Started(other));
        assertRefused(new Restarting(pending, false), new Started(other));
        assertRefused(new Dead(false, false), new Started(other));
    }

    @Test
    void aUserRestartMarksTheRunningTaskOnceAndIsRefusedOtherwise() {
        TaskPhase running = new Running(handle, saved, Stop.NONE);
        TaskPhase restarting = running.on(new RestartRequested());

        assertThat(restarting).isEqualTo(new Running(handle, saved, Stop.RESTART));
        assertThat(restarting.on(new RestartRequested())).isSameAs(restarting);
        assertRefused(new Running(handle, saved, Stop.KILL), new RestartRequested());
        assertRefused(new Pending(false), new RestartRequested());
        assertRefused(new Exited(false), new RestartRequested());
        assertRefused(new Dead(true, true), new RestartRequested());
    }

    @Test
    void aKillOverridesARequestedRestartAndEndsAsAKill() {
        TaskPhase killed = new Running(handle, saved, Stop.RESTART).on(new KillRequested());

        assertThat(killed).isEqualTo(new Running(handle, saved, Stop.KILL));
        assertThat(killed.on(new HandleEnded(handle))).isEqualTo(new Exited(true));
    }

    @Test
    void aKillIsRememberedInEveryPhaseThatCanStillStartTheTask() {
        assertThat(new Pending(false).on(new KillRequested())).isEqualTo(new Pending(true));
        assertThat(new Exited(false).on(new KillRequested())).isEqualTo(new Exited(true));
        assertThat(new Restarting(pending, false).on(new KillRequested())).isEqualTo(new Restarting(pending, true));
        assertThat(new Restored(TaskState.RUNNING, saved, false).on(new KillRequested()))
                .isEqualTo(new Restored(TaskState.RUNNING, saved, true));
    }

    @Test
    void aKillChangesNothingOnceTheTaskIsDeadOrLetGo() {
        TaskPhase dead = new Dead(false, false);
        TaskPhase detached = new Detached(TaskState.RUNNING);

        assertThat(dead.on(new KillRequested())).isSameAs(dead);
        assertThat(detached.on(new KillRequested())).isSameAs(detached);
    }

    @Test
    void aStopAfterTheRunnersOwnFailureEndsAsAFailedKill() {
        TaskPhase stopping = new Running(handle, saved, Stop.KILL).on(new StopAfterFailure());

        assertThat(stopping).isEqualTo(new Running(handle, saved, Stop.KILL_AFTER_FAILURE));
        assertThat(stopping.killRequested()).isTrue();
        assertRefused(new Pending(false), new StopAfterFailure());
    }

    @Test
    void theEndOfAnotherHandleChangesNothing() {
        TaskPhase running = new Running(handle, saved, Stop.NONE);

        assertThat(running.on(new HandleEnded(other))).isSameAs(running);
        assertThat(running.on(new HandleEnded(handle))).isEqualTo(new Exited(false));
        assertThat(running.on(new HandleEnded(handle)).state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void aRestartWaitsWithItsPendingRelaunchAndThenPreparesAgain() {
        TaskPhase restarting = new Exited(false).on(new RestartScheduled(pending));

        assertThat(restarting).isEqualTo(new Restarting(pending, false));
        assertThat(restarting.state()).isEqualTo(TaskState.RESTARTING);
        assertThat(restarting.on(new Relaunching())).isEqualTo(new Pending(false));
        assertThat(new Pending(false).on(new RestartScheduled(null))).isEqualTo(new Restarting(null, false));
    }

    @Test
    void aRestartIsRefusedWhileTheTaskRunsOrAfterItsEnd() {
        assertRefused(new Running(handle, saved, Stop.NONE), new RestartScheduled(pending));
        assertRefused(new Dead(false, false), new RestartScheduled(pending));
    }

    @Test
    void aTaskToBeKilledIsNotRelaunched() {
        assertRefused(new Restarting(pending, true), new Relaunching());
        assertRefused(new Pending(true), new Relaunching());
        assertRefused(new Running(handle, saved, Stop.NONE), new Relaunching());
        assertRefused(new Dead(false, true), new Relaunching());
    }

    @Test
    void aRestoredTaskThatCannotBeReattachedIsPreparedAgainWithoutItsOldHandle() {
        TaskPhase relaunched = new Restored(TaskState.RUNNING, saved, false).on(new Relaunching());

        assertThat(relaunched).isEqualTo(new Pending(false));
        assertThat(relaunched.state()).isEqualTo(TaskState.PENDING);
    }

    @Test
    void theFirstVerdictOfADeadTaskStaysAndItsCleanupIsRecorded() {
        TaskPhase dead = new Running(handle, saved, Stop.NONE).on(new Finished(true));

        assertThat(dead).isEqualTo(new Dead(true, false));
        assertThat(dead.on(new Finished(false))).isSameAs(dead);
        assertThat(dead.on(new CleanedUp())).isEqualTo(new Dead(true, true));
        assertThat(dead.state()).isEqualTo(TaskState.DEAD);
    }

    @Test
    void onlyADeadTaskIsCleanedUp() {
        assertRefused(new Running(handle, saved, Stop.NONE), new CleanedUp());
        assertRefused(new Pending(false), new CleanedUp());
    }

    @Test
    void aDetachedTaskShowsTheStateItWasLeftInAndTakesNoFurtherStep() {
        TaskPhase running = new Running(handle, saved, Stop.NONE).on(new Detach());
        TaskPhase restarting = new Restarting(pending, false).on(new Detach());

        assertThat(running).isEqualTo(new Detached(TaskState.RUNNING));
        assertThat(restarting).isEqualTo(new Detached(TaskState.RESTARTING));
        assertThat(restarting.state()).isEqualTo(TaskState.RESTARTING);
        assertThat(running.on(new Started(other))).isSameAs(running);
        assertThat(running.on(new Relaunching())).isSameAs(running);
        assertThat(new Pending(false).on(new Detach())).isEqualTo(new Pending(false));
    }

    @Test
    void aDeadTaskIsNeverRestoredAsWaitingForRecovery() {
        assertThatThrownBy(() -> new Restored(TaskState.DEAD, null, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRefused(TaskPhase phase, TaskPhaseEvent event) {
        assertThatThrownBy(() -> phase.on(event))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(phase.getClass().getSimpleName())
                .hasMessageContaining(event.getClass().getSimpleName());
    }
}
