package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@link TaskRunner} whose services go to the test agent through a {@link ConsulServiceRegistry}, for each
 * test (an instance field with {@code @RegisterExtension}): before the test it requires the agent, busybox and a
 * healthy raw_exec driver; after it, every allocation is stopped, the runner and the registry closed, and none of the
 * test's services or checks may be left in the agent (they are deregistered whatever happened).
 */
final class ConsulRunner implements BeforeEachCallback, AfterEachCallback {
    static final Duration WAIT = Duration.ofSeconds(40);

    private @Nullable Path root;
    private @Nullable ConsulOptions options;
    private @Nullable ConsulServiceRegistry registry;
    private @Nullable TaskRunner runner;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        TestAgent.require();
        RealEnvironment.require(Files.isExecutable(Path.of("/bin/busybox")), "busybox at /bin/busybox");
        root = Files.createTempDirectory("consul-runner-");
        options = TestAgent.options();
        registry = ConsulServiceRegistry.start(options);
        runner = build(registry);
        RealEnvironmentRawExec.require(runner);
    }

    /** The test's runner. */
    TaskRunner runner() {
        return runner;
    }

    /** The registry of the test's runner. */
    ConsulServiceRegistry registry() {
        return registry;
    }

    /** The allocation's directory under {@code data/alloc}. */
    Path allocDir(String allocId) {
        return root.resolve("data/alloc").resolve(allocId);
    }

    /** Whether the agent's service or check of this id is one of the test's. */
    boolean ours(String id) {
        return id.startsWith(options.idPrefix() + "-");
    }

    /** The test's entries of the agent's services or checks by id. */
    Map<String, Map<String, Object>> ours(Map<String, Map<String, Object>> byId) {
        Map<String, Map<String, Object>> mine = new TreeMap<>(byId);
        mine.keySet().removeIf(id -> !ours(id));
        return mine;
    }

    /**
     * Closes the runner without stopping its tasks, and its registry; a new registry with the options {@code change}
     * makes and a new runner over the same directories take their place, for the test to recover the tasks.
     */
    void takeOver(UnaryOperator<ConsulOptions> change) {
        runner.close();
        runner = null;
        registry.close();
        registry = ConsulServiceRegistry.start(change.apply(options));
        runner = build(registry);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            if (runner != null) {
                assertThat(runner.stopAll(WAIT)).isTrue();
                runner.close();
            }
            if (registry != null) {
                registry.flush().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(ours(TestAgent.services()).keySet())
                        .as("services left in the agent")
                        .isEmpty();
                assertThat(ours(TestAgent.checks()).keySet())
                        .as("checks left in the agent")
                        .isEmpty();
                registry.close();
            }
        } finally {
            if (options != null) {
                TestAgent.deregisterAll(options.idPrefix());
            }
            deleteRecursively(root);
        }
    }

    private TaskRunner build(ConsulServiceRegistry services) {
        return TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .serviceRegistry(services)
                .build();
    }

    private static void deleteRecursively(@Nullable Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
