package dev.taskdrivers.bench;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.consul.ConsulOptions;
import dev.taskdrivers.consul.ConsulServiceRegistry;
import dev.taskdrivers.consul.ConsulToken;
import dev.taskdrivers.consul.RegistryCounters;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.kiwiproject.consul.AgentClient;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.model.agent.ImmutableRegCheck;
import org.kiwiproject.consul.model.agent.ImmutableRegistration;

/**
 * 1,000 tasks with one service and one TCP check each, registered through the Consul registry behind a counting
 * proxy: requests the agent receives on the first sync and on an unchanged resync, the client's own counts beside
 * the proxy's, and the time to converge beside 1,000 bare consul-client registrations of the same services in the
 * same run. Needs the agent of scripts/services/consul.sh (address and token from {@code CONSUL_HTTP_ADDR} and
 * {@code SDK_RUN_DIR}).
 */
public final class ConsulSyncBenchmark implements Benchmark {
    private static final int SERVICES = 1_000;
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "consul-sync";
    }

    @Override
    public List<Figure> run() throws Exception {
        URI agent = URI.create(
                Optional.ofNullable(System.getenv("CONSUL_HTTP_ADDR")).orElse("http://127.0.0.1:18500"));
        Path runDir = Path.of(Optional.ofNullable(System.getenv("SDK_RUN_DIR")).orElse("/var/lib/taskdrivers-test"));
        String token = Files.readString(runDir.resolve("consul/master-token")).trim();

        long bareNanos = bareRegistrations(agent, token);

        String prefix = "_tdbench_" + UUID.randomUUID().toString().substring(0, 8);
        try (ConsulCountingProxy proxy = new ConsulCountingProxy(agent)) {
            ConsulOptions options = ConsulOptions.defaults()
                    .withAddress(proxy.address())
                    .withToken(ConsulToken.of(token))
                    .withIdPrefix(prefix)
                    .withProbation(Duration.ZERO)
                    .withResyncInterval(Duration.ofHours(1));
            ConsulServiceRegistry registry = ConsulServiceRegistry.start(options);
            try {
                registry.flush().join(); // the loop's first (empty) sync, outside the measurement
                long reads0 = proxy.reads();
                long writes0 = proxy.writes();
                RegistryCounters client0 = settled(registry, proxy);
                List<TaskServices> tasks = tasks();
                long begin = System.nanoTime();
                tasks.forEach(registry::registerTask);
                registry.flush().join();
                long convergeNanos = System.nanoTime() - begin;
                long firstReads = proxy.reads() - reads0;
                long firstWrites = proxy.writes() - writes0;

                long reads1 = proxy.reads();
                long writes1 = proxy.writes();
                registry.flush().join(); // a sync with nothing changed
                long resyncReads = proxy.reads() - reads1;
                long resyncWrites = proxy.writes() - writes1;
                RegistryCounters client1 = settled(registry, proxy);
                long clientRequests = client1.reads() + client1.writes() - client0.reads() - client0.writes();
                long proxyRequests = proxy.reads() + proxy.writes() - reads0 - writes0;

                tasks.forEach(registry::removeTask);
                registry.flush().join();

                double writesPerEntry = firstWrites / (double) (2 * SERVICES);
                double ratio = convergeNanos / (double) bareNanos;
                String timing = String.format(
                        Locale.ROOT,
                        "registry converged %d services in %.0f ms, bare " + "consul-client registrations took %.0f ms",
                        SERVICES,
                        convergeNanos / 1e6,
                        bareNanos / 1e6);
                return List.of(
                        new Figure(
                                name(),
                                "first sync: writes per service and check (1,000 + 1,000)",
                                writesPerEntry,
                                "count",
                                "<= 1",
                                writesPerEntry <= 1,
                                firstWrites + " writes, " + firstReads + " reads"),
                        new Figure(
                                name(),
                                "unchanged resync: writes",
                                resyncWrites,
                                "count",
                                "0",
                                resyncWrites == 0,
                                resyncReads + " reads"),
                        new Figure(
                                name(),
                                "unchanged resync: reads",
                                resyncReads,
                                "count",
                                "<= 2",
                                resyncReads <= 2,
                                resyncWrites + " writes"),
                        new Figure(
                                name(),
                                "client's own request count / counting proxy's",
                                clientRequests / (double) proxyRequests,
                                "x",
                                "= 1.0x",
                                clientRequests == proxyRequests,
                                clientRequests + " vs " + proxyRequests),
                        new Figure(
                                name(),
                                "time to converge: registry / bare sequential registrations",
                                ratio,
                                "x",
                                "<= 1.5x",
                                ratio <= 1.5,
                                timing));
            } finally {
                registry.close();
            }
        }
    }

    /** Waits until the client's asynchronous request events caught up with what the proxy saw. */
    private static RegistryCounters settled(ConsulServiceRegistry registry, ConsulCountingProxy proxy)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        RegistryCounters c = registry.counters();
        while (c.reads() + c.writes() < proxy.reads() + proxy.writes() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            c = registry.counters();
        }
        return c;
    }

    private static List<TaskServices> tasks() {
        List<TaskServices> tasks = new ArrayList<>();
        for (int i = 0; i < SERVICES; i++) {
            TaskId id = new TaskId(UUID.randomUUID().toString(), "bench", "group", 0, "t" + i);
            ServiceSpec service = ServiceSpec.builder("bench")
                    .tag("bench")
                    .port("http")
                    .addressMode(AddressMode.HOST)
                    .check(CheckSpec.tcp().name("tcp").interval(CHECK_INTERVAL).timeout(Duration.ofSeconds(2)))
                    .build();
            tasks.add(new TaskServices(
                    id,
                    List.of(service),
                    "127.0.0.1",
                    List.of(new Port("http", 18500, "127.0.0.1")),
                    Optional.empty(),
                    null));
        }
        return tasks;
    }

    /** The floor: the same services and checks registered one by one with consul-client, then removed. */
    private static long bareRegistrations(URI agent, String token) {
        Consul consul = Consul.builder()
                .withUrl(agent.toString())
                .withPing(false)
                .withHeaders(Map.of("X-Consul-Token", token))
                .build();
        try {
            AgentClient client = consul.agentClient();
            String prefix = "_tdbench_bare_" + UUID.randomUUID().toString().substring(0, 8);
            long begin = System.nanoTime();
            for (int i = 0; i < SERVICES; i++) {
                client.register(ImmutableRegistration.builder()
                        .id(prefix + "-" + i)
                        .name("bench")
                        .port(18500)
                        .address("127.0.0.1")
                        .addTags("bench")
                        .addChecks(ImmutableRegCheck.builder()
                                .id(prefix + "-check-" + i)
                                .name("tcp")
                                .tcp("127.0.0.1:18500")
                                .interval("60s")
                                .timeout("2s")
                                .build())
                        .build());
            }
            long took = System.nanoTime() - begin;
            for (int i = 0; i < SERVICES; i++) {
                client.deregister(prefix + "-" + i);
            }
            return took;
        } finally {
            consul.destroy();
        }
    }
}
