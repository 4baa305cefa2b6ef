package dev.taskdrivers.qemu.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.tck.RealEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installed qemu-system-x86_64, given to the driver by absolute path, runs a task naming its architecture. */
@Tag("real")
class EmulatorRealTest {
    @TempDir
    Path root;

    @Test
    void aTaskNamingAnAllowedEmulatorBootsWithThatBinaryAndTheFingerprintTellsItsVersion() throws Exception {
        Optional<Path> installed = Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(p -> List.of(p.split(":")).stream())
                .map(d -> Path.of(d, "qemu-system-x86_64"))
                .filter(Files::isExecutable)
                .findFirst();
        RealEnvironment.require(installed.isPresent() && TestGuest.built(), TestGuest.requirement());
        Path qemu = installed.orElseThrow().toRealPath();
        QemuDriver driver = new QemuDriver(QemuDriverOptions.from(new DriverContext(
                Map.of("qemu_path", qemu.toString(), "emulators_allowlist", List.of("x86_64")),
                root.resolve("state"))));

        Fingerprint fingerprint = driver.fingerprint();
        assertThat(fingerprint.attributes())
                .containsEntry("driver.qemu.emulators", "x86_64")
                .containsEntry(
                        "driver.qemu.emulator.x86_64.version",
                        fingerprint.attributes().get("driver.qemu.version"));

        int port = TestGuest.freePort();
        TaskConfig task = TestGuest.withConfig(
                TestGuest.task(
                        root,
                        "arch",
                        TestGuest.diskWithPage(root, "x86_64 guest\n"),
                        TestGuest.IGNORING_INITRD,
                        port,
                        false,
                        Duration.ofSeconds(5)),
                Map.of("emulator", "x86_64"));
        TaskConfig refused = TestGuest.withConfig(task, Map.of("emulator", "i386"));
        assertThat(driver.validate(refused))
                .extracting(ValidationProblem::field, ValidationProblem::problem)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "config.emulator", "\"i386\" is not in the operator's emulators_allowlist [x86_64]"));

        StartResult result = driver.start(task, EventEmitter.NONE);
        try {
            long pid = Long.parseLong(result.handle().state().data().get("pid"));
            assertThat(Path.of("/proc", Long.toString(pid), "exe").toRealPath()).isEqualTo(qemu);
            await().atMost(90, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> TestGuest.get(port), "x86_64 guest\n"::equals);
            assertThat(result.handle().stop(Duration.ofSeconds(5), "SIGTERM").get(20, TimeUnit.SECONDS))
                    .isEqualTo(ExitResult.signaled(15));
        } finally {
            driver.cleanup(task, result.created());
        }
    }
}
