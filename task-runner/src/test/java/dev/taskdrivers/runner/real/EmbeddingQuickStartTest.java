package dev.taskdrivers.runner.real;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding quick-start of the README, compiled and run by the build. */
@Tag("real")
class EmbeddingQuickStartTest {
    @TempDir
    Path dir;

    @Test
    void quickStart() throws Exception {
        RawExec.require(dir.resolve("probe"));
        // --- quick-start begins
        InProcessServiceRegistry services = new InProcessServiceRegistry();
        try (TaskRunner runner = TaskRunner.builder()
                .stateDir(dir.resolve("state")) // task state, survives restarts of this process
                .dataDir(dir.resolve("data")) // allocation directories and driver data
                .serviceRegistry(services) // or one from consul-service
                .listener((task, event) -> System.out.println(task + " " + event.type() + ": " + event.message()))
                .build()) {
            runner.recover(); // take over what an earlier runner left running

            TaskSpec hello = TaskSpec.builder("hello", "raw_exec")
                    .config(Map.of("command", "/bin/sh", "args", List.of("-c", "echo hi from $NOMAD_TASK_NAME")))
                    .ports(PortSpec.dynamic("http")) // a free port, as NOMAD_PORT_http
                    .service(ServiceSpec.builder("hello")
                            .port("http")
                            .tag("demo")
                            .check(CheckSpec.tcp().interval(Duration.ofSeconds(5))))
                    .build(); // refuses what the JSON parser refuses
            JobSpec job = JobSpec.batch("example", List.of(GroupSpec.of("greeters", List.of(hello))));
            // or: JobSpec job = runner.parse(Files.readString(Path.of("examples/demo.json")));

            AllocationHandle alloc = runner.submit(job).get(0);
            AllocationStatus status = alloc.await(Duration.ofMinutes(1));
            System.out.println(alloc.name() + (status.failed() ? " failed" : " succeeded"));
        } // close() leaves running tasks running; runner.stopAll(timeout) stops them
        // --- quick-start ends
        assertThat(services.services()).isEmpty();
    }
}
