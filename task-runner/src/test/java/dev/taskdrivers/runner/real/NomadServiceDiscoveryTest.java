package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.runner.spec.TemplateSpec;
import dev.taskdrivers.services.ServiceProvider;
import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import dev.taskdrivers.templates.NomadServiceRegistration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nomad's native service discovery on one node with real raw_exec tasks: a {@code provider = "nomad"} service is in
 * the runner's catalog while its task runs, another job's template reads it with {@code nomadService}, and the
 * service registry the runner was given never hears of it.
 */
@Tag("real")
class NomadServiceDiscoveryTest {
    private final RecordingRegistry registry = new RecordingRegistry();

    @RegisterExtension
    final RealRunner real = RealRunner.rawExec(b -> b.serviceRegistry(registry))
            .whenClosed(() -> assertThat(registry.calls)
                    .as("calls into the service registry")
                    .isEmpty());

    private static TaskSpec database() {
        return RawExec.shell("db", "sleep 300").toBuilder()
                .ports(PortSpec.dynamic("db"))
                .service(ServiceSpec.builder("db").port("db").tag("primary").provider(ServiceProvider.NOMAD))
                .build();
    }

    private AllocationHandle run(String job, TaskSpec task) {
        return real.runner()
                .submit(JobSpec.service(job, List.of(GroupSpec.of("g", List.of(task)))))
                .get(0);
    }

    private static TaskStatus status(AllocationHandle alloc, String task) {
        return alloc.status().tasks().get(task);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Test
    void aTemplateFollowsANomadServiceUntilItsTaskStops() throws Exception {
        AllocationHandle backend = run("backend", database());
        await().atMost(WAIT).until(() -> real.runner().nomadServices().size() == 1);
        Port port = status(backend, "db").port("db").orElseThrow();

        NomadServiceRegistration db = real.runner().nomadServices().get(0);
        assertThat(db.serviceName()).isEqualTo("db");
        assertThat(db.address()).isEqualTo(port.hostIp());
        assertThat(db.port()).isEqualTo(port.value());
        assertThat(db.tags()).containsExactly("primary");
        assertThat(db.allocId()).isEqualTo(backend.id());
        assertThat(db.taskName()).isEqualTo("db");
        assertThat(db.jobId()).isEqualTo("backend");
        assertThat(db.datacenter()).isEqualTo("dc1");
        assertThat(db.namespace()).isEqualTo("default");

        TaskSpec app = RawExec.shell("app", "sleep 300").toBuilder()
                .template(TemplateSpec.builder("local/db.txt")
                        .data("{{ range nomadService \"primary.db\" }}{{ .Address }}:{{ .Port }} {{ .AllocID }}"
                                + "{{ else }}none{{ end }}")
                        .changeMode(TemplateSpec.ChangeMode.NOOP))
                .build();
        AllocationHandle frontend = run("frontend", app);
        Path rendered = status(frontend, "app").taskDir().resolve("local/db.txt");
        await().atMost(WAIT).until(() -> status(frontend, "app").state() == TaskState.RUNNING);
        assertThat(read(rendered)).isEqualTo(port.hostIp() + ":" + port.value() + " " + backend.id());

        backend.stop().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

        assertThat(real.runner().nomadServices())
                .as("the stopped task's service")
                .isEmpty();
        await().atMost(WAIT).until(() -> read(rendered).equals("none"));
        assertThat(status(frontend, "app").state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void aTaskTakenOverByANewRunnerIsInItsCatalogAgain() {
        AllocationHandle backend = run("backend", database());
        await().atMost(WAIT).until(() -> real.runner().nomadServices().size() == 1);
        NomadServiceRegistration before = real.runner().nomadServices().get(0);

        real.closeRunner(); // leaves the task running
        real.newRunner().recover();

        await().atMost(WAIT).until(() -> real.runner().nomadServices().equals(List.of(before)));
    }

    /** A registry that records being called and refuses every service: Nomad services must never reach it. */
    private static final class RecordingRegistry implements ServiceRegistry {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public List<ValidationProblem> validate(ServiceSpec service) {
            return List.of(new ValidationProblem("name", "this registry takes no services"));
        }

        @Override
        public void registerTask(TaskServices task) {
            calls.add("register " + task.taskId());
        }

        @Override
        public void removeTask(TaskServices task) {
            calls.add("remove " + task.taskId());
        }

        @Override
        public void recoveryComplete() {}

        @Override
        public void close() {}
    }
}
