package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.CheckHealth;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.services.ServiceProvider;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.tck.RealEnvironment;
import dev.taskdrivers.templates.NomadServiceRegistration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A port of the group's network is the group's, as in Nomad: a task that was not granted it declares the service on
 * it, and the service is advertised, and checked, at the address and port granted to the task that listens on it,
 * also by a runner that took the tasks over.
 */
@Tag("real")
class GroupPortServiceRunTest {
    @RegisterExtension
    final RealRunner real = RealRunner.rawExec();

    @BeforeEach
    void busybox() {
        RealEnvironment.require(Files.isExecutable(Path.of("/bin/busybox")), "busybox at /bin/busybox");
    }

    /** "server" holds the group port and serves its task directory on it; "registrar" only advertises it. */
    private static JobSpec job() {
        TaskSpec server = RawExec.shell(
                        "server",
                        "echo ok > $NOMAD_TASK_DIR/health;"
                                + " exec /bin/busybox httpd -f -p $NOMAD_ADDR_http -h $NOMAD_TASK_DIR")
                .toBuilder()
                .ports(PortSpec.dynamic("http").inGroupNetwork())
                .build();
        TaskSpec registrar = RawExec.shell("registrar", "exec sleep 300").toBuilder()
                .service(ServiceSpec.builder("web")
                        .provider(ServiceProvider.NOMAD)
                        .port("http")
                        .check(CheckSpec.http("/health")
                                .name("health")
                                .interval(Duration.ofMillis(200))
                                .timeout(Duration.ofSeconds(1))))
                .build();
        return JobSpec.service("paired", List.of(GroupSpec.of("g", List.of(server, registrar))));
    }

    private Optional<CheckStatus> check() {
        return real.runner().nomadServiceChecks().stream()
                .filter(c -> c.check().equals("health"))
                .findFirst();
    }

    @Test
    void aSiblingsServiceOnTheGroupPortIsAdvertisedAndCheckedAtTheGrantedPortAlsoAfterATakeOver() {
        AllocationHandle alloc = real.runner().submit(job()).get(0);
        await().atMost(WAIT).until(() -> check().map(CheckStatus::health).orElse(null) == CheckHealth.PASSING);
        Port granted = alloc.status().tasks().get("server").port("http").orElseThrow();
        assertThat(alloc.status().tasks().get("registrar").port("http"))
                .as("granted to the server only")
                .isEmpty();

        NomadServiceRegistration web = real.runner().nomadServices().get(0);
        assertThat(web.serviceName()).isEqualTo("web");
        assertThat(web.taskName()).isEqualTo("registrar");
        assertThat(web.address()).isEqualTo(granted.hostIp());
        assertThat(web.port()).isEqualTo(granted.value());
        assertThat(check().orElseThrow().task().taskName()).isEqualTo("registrar");
        assertThat(check().orElseThrow().output())
                .contains(granted.hostIp() + ":" + granted.value() + "/health")
                .endsWith(": 200");

        real.closeRunner(); // leaves both tasks running
        TaskRunner next = real.newRunner();
        next.recover();

        await().atMost(WAIT).until(() -> next.nomadServices().equals(List.of(web)));
        await().atMost(WAIT).until(() -> check().map(CheckStatus::health).orElse(null) == CheckHealth.PASSING);
        assertThat(check().orElseThrow().output()).contains(granted.hostIp() + ":" + granted.value() + "/health");
        assertThat(next.allocation(alloc.id()).orElseThrow().status().tasks().values())
                .allSatisfy(t -> assertThat(t.state()).isEqualTo(TaskState.RUNNING));
    }
}
