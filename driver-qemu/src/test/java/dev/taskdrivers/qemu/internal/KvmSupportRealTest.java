package dev.taskdrivers.qemu.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.tck.RealEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver claims KVM only when a guest really boots under it, and says why not otherwise. */
@Tag("real")
class KvmSupportRealTest {
    @TempDir
    Path root;

    @Test
    void theProbeGuestBootsUnderTcgSoAFailureUnderKvmIsKvmsAndNotTheProbes() {
        requireQemu();

        GuestBootProbe.Outcome outcome = GuestBootProbe.boot(
                QemuDriverOptions.DEFAULT_QEMU, Accelerator.TCG, root.resolve("scratch"), Duration.ofSeconds(60));

        assertThat(outcome.booted()).as(outcome.detail()).isTrue();
        assertThat(root.resolve("scratch")).isEmptyDirectory();
    }

    @Test
    void theFingerprintSaysKvmOnlyWhenAGuestBootsUnderIt() {
        QemuDriver driver = requireQemu();
        KvmVerdict verdict = new KvmSupport(QemuDriverOptions.DEFAULT_QEMU, root.resolve("state")).verdict();

        // on nested virtualisation a KVM guest boots one time and hangs the next: the verdict is checked against what
        // its own probe saw, and against the host where the answer cannot vary
        if (!Files.isReadable(Path.of("/dev/kvm"))) {
            assertThat(verdict.usable()).as(verdict.reason()).isFalse();
        }
        if (verdict.usable()) {
            assertThat(verdict.reason()).contains("booted");
        }
        assertThat(driver.fingerprint().attributes())
                .containsEntry("driver.qemu.kvm", Boolean.toString(verdict.usable()));
        if (!verdict.usable()) {
            assertThat(driver.fingerprint().description()).contains("kvm not usable: " + verdict.reason());
        }
    }

    @Test
    void aTaskAskingForKvmWhereNoGuestBootsUnderItIsRefusedNamingWhy() throws Exception {
        QemuDriver driver = requireQemu();
        KvmVerdict verdict = new KvmSupport(QemuDriverOptions.DEFAULT_QEMU, root.resolve("state")).verdict();
        Path image = Files.write(
                Files.createDirectories(root.resolve("alloc")).resolve("disk.img"), GuestBootProbe.bootSector());
        TaskConfig task = new TaskConfig(
                new TaskId("a1", "job", "group", 0, "vm"),
                Map.of("image_path", image.toString(), "accelerator", "kvm"),
                Map.of(),
                new Resources(100, 64, List.of()),
                TaskDirs.standard(root.resolve("alloc"), "vm"),
                null,
                null,
                null);

        List<ValidationProblem> problems = driver.nodeProblems(task);

        assertThat(driver.validate(task))
                .as("the task is valid; a node with kvm runs it")
                .isEmpty();
        if (verdict.usable()) {
            assertThat(problems).isEmpty();
        } else {
            assertThat(problems).singleElement().satisfies(p -> {
                assertThat(p.field()).isEqualTo("config.accelerator");
                assertThat(p.problem()).contains("kvm is not usable on this node (" + verdict.reason());
            });
            assertThatThrownBy(() -> driver.prestart(task, EventEmitter.NONE))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageContaining("kvm is not usable on this node");
        }
    }

    @Test
    void theVerdictIsKeptInTheStateDirectoryForTheNextRunnerOnThisBoot() throws Exception {
        requireQemu();
        KvmVerdict verdict = new KvmSupport(QemuDriverOptions.DEFAULT_QEMU, root.resolve("state")).verdict();
        Path keptFile = root.resolve("state").resolve(KvmSupport.CACHE_FILE);
        if (!Files.exists(Path.of("/dev/kvm"))) {
            // no device, no probe: nothing worth keeping
            assertThat(keptFile).doesNotExist();
            return;
        }

        List<String> kept = Files.readAllLines(keptFile);

        assertThat(kept.get(0))
                .startsWith(Files.readString(Path.of("/proc/sys/kernel/random/boot_id"))
                        .strip())
                .endsWith(QemuDriverOptions.DEFAULT_QEMU);
        assertThat(kept.get(1)).isEqualTo(Boolean.toString(verdict.usable()));
        assertThat(new KvmSupport(QemuDriverOptions.DEFAULT_QEMU, root.resolve("state")).verdict())
                .isEqualTo(verdict);
    }

    private QemuDriver requireQemu() {
        QemuDriver driver = new QemuDriver(QemuDriverOptions.from(DriverContext.of(root.resolve("state"))));
        RealEnvironment.require(driver.fingerprint().isHealthy(), "qemu-system-x86_64 (scripts/install-deps.sh)");
        return driver;
    }
}
