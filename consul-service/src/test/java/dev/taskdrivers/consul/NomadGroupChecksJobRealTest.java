package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nomad's own end-to-end job for group services and script checks ({@code consul-checks-group.nomad} of the job-file
 * corpus), run unchanged with the real agent: a raw_exec task in a {@code bridge} group, services on bare port
 * numbers advertised at the host's address with those numbers, and script checks run inside the task that pass,
 * fail until a file exists, and time out, each as the job's comments say.
 */
@Tag("real")
class NomadGroupChecksJobRealTest {
    private static final Duration WAIT = ConsulRunner.WAIT;
    private static final Path JOB = Path.of("../task-runner/src/test/resources/nomad-corpus/consul-checks-group.nomad");

    @RegisterExtension
    final ConsulRunner consul = new ConsulRunner();

    /** The test's checks in the agent by name, each with its status. */
    private Map<String, String> checkStatuses() {
        Map<String, String> byName = new TreeMap<>();
        consul.ours(TestAgent.checks())
                .values()
                .forEach(c -> byName.put((String) c.get("Name"), (String) c.get("Status")));
        return byName;
    }

    @Test
    void theGroupsServicesAreOnTheirPortNumbersAndItsScriptChecksRunInTheTask() throws Exception {
        AllocationHandle alloc = consul.runner()
                .submit(consul.runner().parse(Files.readString(JOB)))
                .get(0);

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(checkStatuses())
                        .containsEntry("alive-1", "passing")
                        .containsEntry("alive-2a", "passing")
                        .containsEntry("alive-2b", "warning")
                        .containsEntry("always-dead", "critical"));
        Map<String, Integer> ports = new TreeMap<>();
        consul.ours(TestAgent.services()).values().forEach(s -> {
            assertThat(s.get("Address")).isEqualTo("127.0.0.1");
            ports.put((String) s.get("Service"), (Integer) s.get("Port"));
        });
        assertThat(ports).isEqualTo(Map.of("group-service-1", 9001, "group-service-2", 9002, "group-service-3", 9003));

        // the check reads /tmp/${NOMAD_ALLOC_ID}-alive-2b: once it exists the check passes
        Path expected = Path.of("/tmp/" + alloc.id() + "-alive-2b");
        try {
            Files.writeString(expected, "ok\n");
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(checkStatuses())
                            .containsEntry("alive-2b", "passing")
                            .containsEntry("always-dead", "critical"));
        } finally {
            Files.deleteIfExists(expected);
        }

        alloc.stop();
        alloc.completion().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        consul.registry().flush().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(consul.ours(TestAgent.services())).isEmpty();
        assertThat(consul.ours(TestAgent.checks())).isEmpty();
    }
}
