package dev.taskdrivers.consul;

import static dev.taskdrivers.consul.Specs.port;
import static dev.taskdrivers.consul.Specs.service;
import static dev.taskdrivers.consul.Specs.task;
import static dev.taskdrivers.consul.Specs.taskId;
import static dev.taskdrivers.consul.Specs.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.services.ServiceRegistryProvider;
import dev.taskdrivers.services.TaskServices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** ACL tokens and TLS against the real agent (ACLs on, default deny; HTTPS on 18501 with its own CA). */
@Tag("real")
class SecurityRealTest {
    private String prefix;

    @BeforeEach
    void setUp() {
        TestAgent.require();
        prefix = TestAgent.freshPrefix();
    }

    @AfterEach
    void tearDown() {
        if (prefix != null) {
            TestAgent.deregisterAll(prefix);
        }
    }

    private static ServiceRegistryProvider provider() {
        return ServiceLoader.load(ServiceRegistryProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("consul"))
                .findFirst()
                .orElseThrow();
    }

    private TaskServices webTask() {
        return task(taskId("web"), List.of(port("http", 18500)), null, service("web", "http", tcp("web-tcp")));
    }

    private boolean registered() {
        return TestAgent.services().keySet().stream().anyMatch(id -> id.startsWith(prefix + "-"));
    }

    @Test
    void aRefusedTokenIsReportedAndRetriedWithoutEverShowingIt() {
        String secret = UUID.randomUUID().toString();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ConsulServiceRegistry registry = ConsulServiceRegistry.start(
                TestAgent.options().withIdPrefix(prefix).withToken(ConsulToken.of(secret)));
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            registry.registerTask(webTask());
            await().atMost(10, TimeUnit.SECONDS).until(() -> registry.counters().syncFailures() >= 2);
        } finally {
            System.setErr(original);
            registry.close();
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).contains("403").doesNotContain(secret);
        assertThat(registered()).isFalse();
        assertThat(registry.options().toString()).doesNotContain(secret);
        assertThat(registry.toString()).doesNotContain(secret);
    }

    @Test
    void theProviderReadsTheTokenFromAFile() {
        ServiceRegistry registry = provider()
                .create(Map.of(
                        "address",
                        TestAgent.ADDRESS,
                        "token_file",
                        TestAgent.runDir().resolve("master-token").toString(),
                        "id_prefix",
                        prefix,
                        "datacenter",
                        "dc1"));
        try {
            registry.registerTask(webTask());
            await().atMost(10, TimeUnit.SECONDS).until(this::registered);
        } finally {
            registry.close();
        }
    }

    @Test
    void aWrongDatacenterRegistersNothing() {
        ConsulServiceRegistry registry = ConsulServiceRegistry.start(
                TestAgent.options().withIdPrefix(prefix).withDatacenter("elsewhere"));
        try {
            registry.registerTask(webTask());
            await().atMost(10, TimeUnit.SECONDS).until(() -> registry.counters().syncFailures() >= 1);
            assertThat(registered()).isFalse();
        } finally {
            registry.close();
        }
    }

    @Test
    void httpsWithTheAgentsCa() {
        ConsulServiceRegistry registry = ConsulServiceRegistry.start(TestAgent.options()
                .withIdPrefix(prefix)
                .withAddress(URI.create(TestAgent.HTTPS_ADDRESS))
                .withTls(TestAgent.caFile(), false));
        try {
            registry.registerTask(webTask());
            registry.flush().orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(registered()).isTrue();
        } finally {
            registry.close();
        }
    }

    @Test
    void httpsRefusesAnAgentItCannotVerify() {
        // the JVM's default trust store does not know the agent's private CA
        ConsulServiceRegistry registry = ConsulServiceRegistry.start(
                TestAgent.options().withIdPrefix(prefix).withAddress(URI.create(TestAgent.HTTPS_ADDRESS)));
        try {
            registry.registerTask(webTask());
            await().atMost(10, TimeUnit.SECONDS).until(() -> registry.counters().syncFailures() >= 1);
            assertThat(registered()).isFalse();
        } finally {
            registry.close();
        }
    }

    @Test
    void httpsWithSkipVerifyThroughTheProvider() {
        ServiceRegistry registry = provider()
                .create(Map.of(
                        "address",
                        TestAgent.HTTPS_ADDRESS,
                        "token",
                        TestAgent.token(),
                        "tls_skip_verify",
                        "true",
                        "id_prefix",
                        prefix));
        try {
            registry.registerTask(webTask());
            await().atMost(10, TimeUnit.SECONDS).until(this::registered);
        } finally {
            registry.close();
        }
    }
}
