package dev.taskdrivers.qemu.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverEvent;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real guests started through a {@link QemuDriver} whose state lies under a test's directory: records what the driver
 * told about them, and after the test cleans them up and checks that no QEMU and no task directory is left.
 */
final class QemuGuests {
    private final Path root;
    private final QemuDriver driver;
    private final List<TaskConfig> started = new ArrayList<>();
    private final List<StartResult> results = new ArrayList<>();
    /** What the driver told about the tasks of the test, in order. */
    private final List<DriverEvent> events = new CopyOnWriteArrayList<>();

    /** A driver over {@code root}/state; skips the test (fails it under CI) without QEMU or the built test guest. */
    QemuGuests(Path root) {
        this.root = root;
        this.driver = new QemuDriver(QemuDriverOptions.from(DriverContext.of(root.resolve("state"))));
        RealEnvironment.require(driver.fingerprint().isHealthy() && TestGuest.built(), TestGuest.requirement());
    }

    QemuDriver driver() {
        return driver;
    }

    /** Forgets what the driver told so far. */
    void clearEvents() {
        events.clear();
    }

    /** Records what the driver tells, for a task this test recovers itself. */
    EventEmitter recorder() {
        return events::add;
    }

    /** Starts a task (prestart, then start), remembering it for {@link #cleanUpAndCheck}. */
    StartResult start(TaskConfig task) {
        driver.prestart(task, events::add);
        StartResult result = driver.start(task, events::add);
        started.add(task);
        results.add(result);
        return result;
    }

    /** How a stop ended, and the driver's event messages as they stood when the exit completed. */
    record Told(ExitResult exit, List<String> messages) {}

    /** Stops a task (SIGTERM after {@code timeout}) and waits at most {@code waitSeconds} for its end. */
    Told stop(TaskHandle handle, Duration timeout, long waitSeconds) throws Exception {
        return handle.stop(timeout, "SIGTERM")
                .thenApply(exit ->
                        new Told(exit, events.stream().map(DriverEvent::message).toList()))
                .get(waitSeconds, TimeUnit.SECONDS);
    }

    /** Cleans up every task started, then checks that no QEMU of them runs and no task directory is left. */
    void cleanUpAndCheck() throws IOException {
        for (int i = 0; i < results.size(); i++) {
            driver.cleanup(started.get(i), results.get(i).created());
        }
        for (StartResult r : results) {
            long pid = Long.parseLong(r.handle().state().data().get("pid"));
            // a qemu that cleanup had to kill is a zombie until its wrapper, which records its status, reaps it
            await("qemu " + pid + " gone")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                            .as("qemu left running")
                            .isNotEqualTo(Optional.of(true)));
        }
        assertThat(taskLeftovers())
                .as("task directories (with mon.sock, qa.sock) left after cleanup")
                .isEmpty();
    }

    /** What the driver left in its state directory besides its kvm verdict, which belongs to no task. */
    List<Path> taskLeftovers() throws IOException {
        Path state = root.resolve("state");
        if (!Files.exists(state)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(state)) {
            return entries.filter(p -> !p.getFileName().toString().equals(KvmSupport.CACHE_FILE))
                    .toList();
        }
    }
}
