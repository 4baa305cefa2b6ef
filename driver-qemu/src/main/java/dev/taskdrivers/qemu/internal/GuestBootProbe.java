package dev.taskdrivers.qemu.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Boots a guest of one boot sector that writes to QEMU's debug-exit port and so ends QEMU with a known status.
 * A {@code /dev/kvm} that opens is not proof that KVM runs guests: under nested virtualisation without the CPU
 * features, KVM guests hang after the BIOS or QEMU aborts. Only a guest that ran to its first instruction is.
 */
final class GuestBootProbe {
    /** The value the guest writes to the debug-exit port; QEMU then exits with {@code value * 2 + 1}. */
    private static final int EXIT_VALUE = 0x10;

    static final int EXPECTED_STATUS = EXIT_VALUE * 2 + 1;

    private GuestBootProbe() {}

    /** What happened when the test guest was booted. */
    record Outcome(boolean booted, String detail) {}

    /**
     * Boots the test guest with the given accelerator.
     *
     * @param scratch a directory for the boot image, removed again afterwards
     */
    static Outcome boot(String qemuPath, Accelerator accelerator, Path scratch, Duration timeout) {
        Path image = scratch.resolve("kvm-probe-" + ProcessHandle.current().pid() + ".img");
        Process qemu = null;
        try {
            Files.createDirectories(scratch);
            Files.write(image, bootSector());
            qemu = new ProcessBuilder(List.of(
                            qemuPath,
                            "-machine",
                            "type=pc,accel=" + accelerator.configName(),
                            "-m",
                            "16",
                            "-display",
                            "none",
                            "-nodefaults",
                            "-no-reboot",
                            "-device",
                            "isa-debug-exit,iobase=0xf4,iosize=0x04",
                            "-drive",
                            "file=" + image + ",format=raw,if=ide",
                            "-boot",
                            "c"))
                    .redirectErrorStream(true)
                    .start();
            if (!qemu.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Outcome(
                        false,
                        "a test guest did not boot under " + accelerator.configName() + " within " + timeout.toSeconds()
                                + " s");
            }
            String output =
                    new String(qemu.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (qemu.exitValue() != EXPECTED_STATUS) {
                return new Outcome(
                        false,
                        "a test guest under " + accelerator.configName() + " ended with status " + qemu.exitValue()
                                + (output.isEmpty() ? "" : ": " + firstLine(output)));
            }
            return new Outcome(true, "a test guest booted under " + accelerator.configName());
        } catch (IOException e) {
            return new Outcome(false, "the test guest could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted while booting the test guest");
        } finally {
            if (qemu != null && qemu.isAlive()) {
                qemu.destroyForcibly();
                qemu.onExit().join();
            }
            deleteQuietly(image);
        }
    }

    /** A real-mode boot sector: {@code mov al, 0x10; out 0xf4, al; hlt; jmp back to hlt}, then the signature. */
    static byte[] bootSector() {
        byte[] sector = new byte[512];
        byte[] code = {(byte) 0xB0, EXIT_VALUE, (byte) 0xE6, (byte) 0xF4, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD};
        System.arraycopy(code, 0, sector, 0, code.length);
        sector[510] = 0x55;
        sector[511] = (byte) 0xAA;
        return sector;
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a 512-byte file in the driver's own directory; the next probe overwrites it
            org.slf4j.LoggerFactory.getLogger(GuestBootProbe.class).debug("could not remove {}", file, e);
        }
    }
}
