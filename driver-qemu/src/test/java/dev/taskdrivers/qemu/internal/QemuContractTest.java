package dev.taskdrivers.qemu.internal;

import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.qemu.QemuDriverFactory;
import dev.taskdrivers.tck.DriverContractTest;
import dev.taskdrivers.tck.InvalidConfig;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The driver contract with qemu's capabilities: no signals, no exec. A VM cannot report an exit code of its
 * choosing or read host files, so only the fixtures a VM can honour are given: a guest that runs until stopped, and
 * a kernel that ends at once (no root filesystem, reboot on panic, {@code -no-reboot} turns that into an exit 0).
 */
class QemuContractTest extends DriverContractTest {
    private static Path image;

    @Override
    protected DriverFactory factory() {
        return new QemuDriverFactory();
    }

    /** The test image lies in the system's temporary directory, outside every task's allocation. */
    @Override
    protected Map<String, Object> driverOptions() {
        return Map.of("image_paths", List.of(image().getParent().toString()));
    }

    @Override
    protected void requireEnvironment() {
        RealEnvironment.require(
                HostProbe.qemuVersion(QemuDriverOptions.DEFAULT_QEMU) instanceof HostProbe.Found && TestGuest.built(),
                TestGuest.requirement());
    }

    @Override
    protected Optional<Map<String, Object>> exitingWith(int code) {
        if (code != 0) {
            return Optional.empty();
        }
        return Optional.of(Map.of(
                "image_path",
                image().toString(),
                "args",
                List.of(
                        "-kernel",
                        TestGuest.KERNEL.toString(),
                        "-append",
                        "console=ttyS0 quiet panic=-1",
                        "-no-reboot")));
    }

    @Override
    protected Optional<Map<String, Object>> exitingZeroIfEnvEquals(String name, String value) {
        return Optional.empty();
    }

    @Override
    protected Optional<Map<String, Object>> runningUntilStopped() {
        return Optional.of(Map.of(
                "image_path",
                image().toString(),
                "args",
                List.of(
                        "-kernel",
                        TestGuest.KERNEL.toString(),
                        "-initrd",
                        TestGuest.IGNORING_INITRD.toString(),
                        "-append",
                        "console=ttyS0 quiet")));
    }

    @Override
    protected Optional<Map<String, Object>> ignoringSigterm(String readyFile) {
        return Optional.empty();
    }

    @Override
    protected Optional<Map<String, Object>> exitingOnSignal(String signal, int code, String readyFile) {
        return Optional.empty();
    }

    @Override
    protected Optional<Map<String, Object>> exitingWhenFileAppears(String triggerFile, int code) {
        return Optional.empty();
    }

    @Override
    protected Optional<List<String>> execPrinting(String text, int code) {
        return Optional.empty();
    }

    @Override
    protected Optional<InvalidConfig> invalidConfig() {
        return Optional.of(new InvalidConfig(
                Map.of("accelerator", "hyperv", "bogus", true),
                Set.of("config.image_path", "config.accelerator", "config.bogus")));
    }

    /** An empty disk shared by the fixtures; the guests boot from -kernel and do not need it. */
    private static synchronized Path image() {
        if (image == null) {
            try {
                image = Files.createTempFile("qemu-contract", ".img");
                Files.write(image, new byte[4096]);
                image.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return image;
    }
}
