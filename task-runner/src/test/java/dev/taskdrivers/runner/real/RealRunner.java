package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@link TaskRunner} for each test, registered as an instance field with {@code @RegisterExtension}: before
 * the test it requires a healthy raw_exec driver and builds a runner over a fresh directory ({@code state/} and
 * {@code data/}); after it, every allocation is stopped, the runner closed, the test's {@link #whenClosed} checks
 * run, no process of the test's allocations may be left, and the directory is deleted.
 */
public final class RealRunner implements BeforeEachCallback, AfterEachCallback {
    private final UnaryOperator<TaskRunner.Builder> options;
    private final Set<String> allocIds = new HashSet<>();
    private final List<Runnable> afterClose = new ArrayList<>();
    private @Nullable Path root;
    private @Nullable TaskRunner runner;

    private RealRunner(UnaryOperator<TaskRunner.Builder> options) {
        this.options = options;
    }

    /** A runner with the default options. */
    public static RealRunner rawExec() {
        return new RealRunner(UnaryOperator.identity());
    }

    /** A runner whose builder gets these options too; they are applied again by {@link #newRunner()}. */
    public static RealRunner rawExec(UnaryOperator<TaskRunner.Builder> options) {
        return new RealRunner(options);
    }

    /** Adds a check that runs after each test once its runner is stopped and closed, e.g. that it let go of a source. */
    public RealRunner whenClosed(Runnable check) {
        afterClose.add(check);
        return this;
    }

    /** The test's runner. */
    public TaskRunner runner() {
        return runner;
    }

    /** The test's directory: the runner's {@code state/} and {@code data/} and whatever else the test puts there. */
    public Path root() {
        return root;
    }

    /** The allocation's directory under {@code data/alloc}. */
    public Path allocDir(AllocationHandle alloc) {
        return root.resolve("data/alloc").resolve(alloc.id());
    }

    /**
     * Closes the runner without stopping its tasks, as a runner killed would leave them; {@link #newRunner()} then
     * builds the one that recovers them.
     */
    public void closeRunner() {
        remember(runner);
        runner.close();
        runner = null;
    }

    /** Builds a new runner over the same directories, with the same options, after {@link #closeRunner()}. */
    public TaskRunner newRunner() {
        if (runner != null) {
            throw new IllegalStateException("the test's runner is still open");
        }
        runner = build();
        return runner;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        root = Files.createTempDirectory("real-runner-");
        RawExec.require(root.resolve("probe"));
        runner = build();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            if (runner != null) {
                remember(runner);
                try {
                    assertThat(runner.stopAll(WAIT)).isTrue();
                } finally {
                    runner.close();
                }
            }
            afterClose.forEach(Runnable::run);
        } finally {
            try {
                assertThat(RawExec.processesOf(allocIds))
                        .as("processes of this test's tasks")
                        .isEmpty();
            } finally {
                deleteRecursively(root);
            }
        }
    }

    private TaskRunner build() {
        return options.apply(
                        TaskRunner.builder().stateDir(root.resolve("state")).dataDir(root.resolve("data")))
                .build();
    }

    private void remember(TaskRunner r) {
        r.allocations().forEach(a -> allocIds.add(a.id()));
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
