package dev.taskdrivers.runner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.spec.JobType;
import dev.taskdrivers.runner.spec.TaskLifecycle;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gates of the lifecycle hooks, as pure logic: which parked task goes when. */
class LifecycleCoordinatorTest {
    private final List<String> launched = new ArrayList<>();

    private static TaskSpec task(String name, TaskLifecycle lifecycle) {
        TaskSpec.Builder b = TaskSpec.builder(name, "raw_exec").config(Map.of("command", "/bin/true"));
        return lifecycle == null ? b.build() : b.lifecycle(lifecycle).build();
    }

    private final LifecycleCoordinator<Runnable> c = new LifecycleCoordinator<>(List.of(
            task("init", TaskLifecycle.prestart()),
            task("logs", TaskLifecycle.prestartSidecar()),
            task("web", null),
            task("api", null),
            task("warm", TaskLifecycle.poststart()),
            task("proxy", TaskLifecycle.poststartSidecar()),
            task("bye", TaskLifecycle.poststop())));

    private void park(String task) {
        assertThat(c.park(task, () -> launched.add(task))).as(task + " parked").isTrue();
    }

    private void run(List<Runnable> launches) {
        launches.forEach(Runnable::run);
    }

    @Test
    void afterTheRunDeadlineThePoststopGateNeverOpensEvenWhenTheMainTasksDie() {
        run(c.dead("init", true).launches());
        run(c.started("logs"));
        run(c.started("web"));
        run(c.started("api"));
        park("bye");

        c.expired();
        run(c.dead("web", false).launches());
        run(c.dead("api", false).launches());

        assertThat(launched).isEmpty();
        assertThat(c.waitFor("bye")).isPresent();
        assertThat(c.unpark("bye"))
                .as("the poststop task is handed back to be killed")
                .isPresent();
    }

    @Test
    void eachGateOpensWhenWhatItWaitsForIsDoneAndNamesThoseTasksUntilThen() {
        assertThat(c.waitFor("init")).isEmpty();
        assertThat(c.waitFor("logs")).isEmpty();
        assertThat(c.waitFor("web").orElseThrow().tasks()).containsExactly("init", "logs");
        park("web");
        park("api");
        park("warm");
        park("bye");

        run(c.started("logs"));
        run(c.started("init"));
        assertThat(launched).isEmpty(); // init started, not completed
        run(c.dead("init", true).launches());
        assertThat(launched).containsExactly("web", "api");

        run(c.started("web"));
        assertThat(c.waitFor("warm").orElseThrow().tasks()).containsExactly("api");
        run(c.started("api"));
        assertThat(launched).containsExactly("web", "api", "warm");

        LifecycleCoordinator.AfterDeath<Runnable> webDead = c.dead("web", true);
        assertThat(webDead.launches()).isEmpty();
        assertThat(webDead.sidecarsToStop()).isEmpty();
        LifecycleCoordinator.AfterDeath<Runnable> apiDead = c.dead("api", true);
        run(apiDead.launches());
        assertThat(launched).containsExactly("web", "api", "warm", "bye");
        assertThat(apiDead.sidecarsToStop()).as("warm still runs").isEmpty();
        assertThat(c.dead("warm", true).sidecarsToStop()).containsExactly("logs", "proxy");
        assertThat(c.dead("bye", true).sidecarsToStop()).as("stopped once").isEmpty();
    }

    @Test
    void aFailedPrestartNeverOpensTheMainGateAndAStopKeepsItShutButNotPoststops() {
        park("web");
        park("bye");
        run(c.started("init"));
        run(c.dead("init", false).launches());
        assertThat(launched).isEmpty();

        c.stopping();
        run(c.started("logs"));
        assertThat(launched).isEmpty();
        assertThat(c.unpark("web")).isPresent();
        assertThat(c.unpark("web")).isEmpty();
        c.dead("web", false);
        run(c.dead("api", false).launches());
        assertThat(launched).containsExactly("bye");
    }

    @Test
    void aRestoredAllocationOpensTheGatesFromWhatItsTasksHadDone() {
        c.restored("init", true, true, true);
        c.restored("logs", true, false, false);

        assertThat(c.waitFor("web")).isEmpty();
        assertThat(c.waitFor("warm")).isPresent();
        assertThat(c.sidecarsToStop()).isEmpty();
    }

    @Test
    void onlySidecarsAndMainTasksOfServiceJobsAreRestartedAfterASuccessfulExit() {
        assertThat(LifecycleRole.of(task("s", TaskLifecycle.prestartSidecar())).restartsOnSuccess(JobType.BATCH))
                .isTrue();
        assertThat(LifecycleRole.of(task("p", TaskLifecycle.prestart())).restartsOnSuccess(JobType.SERVICE))
                .isFalse();
        assertThat(LifecycleRole.of(task("q", TaskLifecycle.of(TaskLifecycle.Hook.POSTSTOP, true)))
                        .restartsOnSuccess(JobType.SERVICE))
                .isFalse();
        assertThat(LifecycleRole.of(task("m", null)).restartsOnSuccess(JobType.SERVICE))
                .isTrue();
        assertThat(LifecycleRole.of(task("m", null)).restartsOnSuccess(JobType.BATCH))
                .isFalse();
    }
}
