package dev.taskdrivers.qemu.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Boots real guests under QEMU through the driver. */
@Tag("real")
class QemuDriverRealTest {
    @TempDir
    Path root;

    private QemuGuests guests;
    private QemuDriver driver;

    @BeforeEach
    void requireQemu() {
        guests = new QemuGuests(root);
        driver = guests.driver();
    }

    @AfterEach
    void cleanUp() throws IOException {
        guests.cleanUpAndCheck();
    }

    @Test
    void servesHttpThroughThePortMapSurvivesARunnerRestartAndPowersOffOnTheButton() throws Exception {
        int port = TestGuest.freePort();
        Path image = TestGuest.diskWithPage(root, "served from the task's disk image\n");
        TaskConfig task =
                TestGuest.task(root, "vm", image, TestGuest.POWEROFF_INITRD, port, true, Duration.ofSeconds(30));
        StartResult result = guests.start(task);

        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> TestGuest.get(port), body -> body.equals("served from the task's disk image\n"));

        // The VM does not belong to the runner's session: it keeps running when the runner dies.
        long pid = Long.parseLong(result.handle().state().data().get("pid"));
        assertThat(sessionOf(pid))
                .isNotEqualTo(sessionOf(ProcessHandle.current().pid()));

        // A new runner (new driver) reattaches from the persisted state and stops the VM gracefully.
        HandleState state = result.handle().state();
        result.handle().close();
        QemuDriver restarted = new QemuDriver(QemuDriverOptions.from(DriverContext.of(root.resolve("state"))));
        guests.clearEvents();
        TaskHandle recovered = restarted.recover(task, state, guests.recorder());
        assertThat(TestGuest.get(port)).isEqualTo("served from the task's disk image\n");

        long before = System.nanoTime();
        QemuGuests.Told told = guests.stop(recovered, task.killTimeout(), 40);
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        assertThat(told.exit()).as("powered off by the guest, not killed").isEqualTo(ExitResult.exited(0));
        assertThat(told.messages())
                .containsExactly(
                        "Pressed the ACPI power button (system_powerdown); waiting 30s before killing the VM",
                        "Guest powered off");
        assertThat(took).isLessThan(task.killTimeout());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(result.handle().exitFuture().get(5, TimeUnit.SECONDS)).isEqualTo(ExitResult.exited(0));
    }

    @Test
    void aGuestThatIgnoresThePowerButtonIsKilledAfterTheKillTimeout() throws Exception {
        int port = TestGuest.freePort();
        Path image = TestGuest.diskWithPage(root, "stubborn\n");
        Duration killTimeout = Duration.ofSeconds(3);
        TaskConfig task = TestGuest.task(root, "stubborn", image, TestGuest.IGNORING_INITRD, port, true, killTimeout);
        StartResult result = guests.start(task);
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> TestGuest.get(port), "stubborn\n"::equals);

        long before = System.nanoTime();
        QemuGuests.Told told = guests.stop(result.handle(), killTimeout, 30);
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        assertThat(told.exit()).isEqualTo(ExitResult.signaled(9));
        assertThat(told.messages())
                .containsExactly(
                        "Started VM with tcg",
                        "Pressed the ACPI power button (system_powerdown); waiting 3s before killing the VM",
                        "Guest did not power off within 3s; killed QEMU");
        assertThat(took).as("waited the whole kill timeout").isGreaterThanOrEqualTo(killTimeout);
    }

    @Test
    void aGracefulStopWhoseMonitorIsGoneSaysItFellBackToSigterm() throws Exception {
        Path image = TestGuest.diskWithPage(root, "no monitor\n");
        TaskConfig task = TestGuest.task(
                root,
                "nomonitor",
                image,
                TestGuest.IGNORING_INITRD,
                TestGuest.freePort(),
                true,
                Duration.ofSeconds(10));
        StartResult result = guests.start(task);
        Files.delete(Path.of(result.handle().state().data().get("dir"), "mon.sock"));

        QemuGuests.Told told = guests.stop(result.handle(), Duration.ofSeconds(10), 20);

        assertThat(told.exit()).isEqualTo(ExitResult.signaled(15));
        assertThat(told.messages()).hasSize(3).last().isEqualTo("QEMU quit on SIGTERM; the guest was not shut down");
        assertThat(told.messages().get(1))
                .startsWith("Sent SIGTERM to QEMU (the monitor did not take" + " system_powerdown: ")
                .endsWith("); QEMU quits without shutting the guest down");
    }

    @Test
    void qemuRefusingTheCommandLineFailsStartWithItsOwnMessageAndLeavesNothing() throws Exception {
        Path image = TestGuest.diskWithPage(root, "x\n");
        TaskConfig good = TestGuest.task(
                root, "broken", image, TestGuest.POWEROFF_INITRD, TestGuest.freePort(), false, Duration.ofSeconds(5));
        Map<String, Object> config = new HashMap<>(good.driverConfig());
        config.put("args", List.of("-kernel", root.resolve("no-such-kernel").toString()));
        TaskConfig task = new TaskConfig(
                good.id(), config, Map.of(), good.resources(), good.dirs(), null, good.killTimeout(), null);

        assertThatThrownBy(() -> driver.start(task, EventEmitter.NONE))
                .isInstanceOf(DriverException.class)
                .hasMessageContaining("exited during start")
                .hasMessageContaining("no-such-kernel");
        assertThat(guests.taskLeftovers()).isEmpty();
    }

    @Test
    void aStopWithoutGracefulShutdownQuitsAtOnceAndTheGoneVmIsNotFoundOnRecovery() throws Exception {
        // the image where an artifact would put it, named relative to the task directory
        TestGuest.diskWithPageIn(root.resolve("alloc").resolve("gone").resolve("local"), "short-lived\n");
        TaskConfig task = TestGuest.task(
                root,
                "gone",
                Path.of("local/disk.img"),
                TestGuest.IGNORING_INITRD,
                TestGuest.freePort(),
                false,
                Duration.ofSeconds(5));
        StartResult result = guests.start(task);
        // Not graceful: qemu is told to quit with SIGTERM, which it does at once, long before the timeout.
        long before = System.nanoTime();
        QemuGuests.Told told = guests.stop(result.handle(), Duration.ofSeconds(10), 20);
        assertThat(told.exit()).isEqualTo(ExitResult.signaled(15));
        assertThat(told.messages())
                .containsExactly(
                        "Started VM with tcg",
                        "Sent SIGTERM to QEMU (graceful_shutdown is off); QEMU quits without shutting the guest down",
                        "QEMU quit on SIGTERM; the guest was not shut down");
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));

        assertThatThrownBy(() -> driver.recover(task, result.handle().state(), EventEmitter.NONE))
                .isInstanceOfSatisfying(
                        DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void fingerprintReportsTheQemuVersionAndWhetherKvmIsUsable() {
        var fingerprint = driver.fingerprint();
        assertThat(fingerprint.attributes().get("driver.qemu.version")).matches("\\d+\\.\\d+(\\.\\d+)?");
        assertThat(fingerprint.attributes().get("driver.qemu.kvm")).isIn("true", "false");
    }

    private static String sessionOf(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3];
    }
}
