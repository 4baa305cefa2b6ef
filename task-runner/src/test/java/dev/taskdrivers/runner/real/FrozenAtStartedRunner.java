package dev.taskdrivers.runner.real;

import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A runner (run in a child JVM) whose listener never returns from a task's Started event: nothing the runner does
 * after emitting Started happens, so a test can kill it with SIGKILL at exactly that point. Arguments: state dir, data
 * dir, the task's shell script. Prints {@code started <allocId>} when the listener is reached.
 */
public final class FrozenAtStartedRunner {
    private FrozenAtStartedRunner() {}

    public static void main(String[] args) throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        TaskRunner runner = TaskRunner.builder()
                .stateDir(Path.of(args[0]))
                .dataDir(Path.of(args[1]))
                .listener((task, event) -> {
                    if (event.type() == TaskEventType.STARTED) {
                        System.out.println("started " + task.allocId());
                        System.out.flush();
                        awaitForever(never);
                    }
                })
                .build();
        runner.submit(JobSpec.batch("frozen", List.of(GroupSpec.of("g", List.of(RawExec.shell("t", args[2]))))));
        never.await();
    }

    private static void awaitForever(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                // this thread must never get past the Started event
            }
        }
    }
}
