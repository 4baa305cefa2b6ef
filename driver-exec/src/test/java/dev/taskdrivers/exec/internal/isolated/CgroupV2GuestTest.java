package dev.taskdrivers.exec.internal.isolated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.hostprocess.Executables;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exec driver's cgroup v2 limits against a real kernel whose only hierarchy is cgroup2: this host keeps the
 * controllers in v1, so the test boots the project's Debian cloud kernel under QEMU (TCG) with
 * {@code cgroup_no_v1=all}, from a disk image it builds here with this JDK, the test class path and the tools the
 * driver runs ({@code cgroup2-guest.sh}). {@link CgroupV2GuestChecks} runs there through the exec driver and prints
 * one line per check on the serial console; each must say ok.
 */
@Tag("real")
class CgroupV2GuestTest {
    private static final Path TOOLS = Path.of(System.getenv().getOrDefault("SDK_TOOLS_DIR", "/opt/taskdriver-tools"));
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    /** TCG: the guest's JVM alone starts in tens of seconds on a busy host. */
    private static final Duration GUEST_TIMEOUT = Duration.ofMinutes(15);

    @TempDir
    Path dir;

    private Path kernel;
    private Path modules;
    private Process qemu;

    @BeforeEach
    void requireQemuAndTheKernel() throws IOException {
        Optional<Path> found = cloudKernel();
        boolean tools = Stream.of("qemu-system-x86_64", "mkfs.ext4", "cpio", "dpkg-query", "tar", "ldd")
                .allMatch(t ->
                        Executables.resolve(t, Executables.DEFAULT_PATH, null).isPresent());
        RealEnvironment.require(
                tools && found.isPresent() && Files.isExecutable(Path.of("/bin/busybox")),
                "qemu-system-x86_64, mkfs.ext4, cpio, busybox-static and the cloud kernel with its modules under "
                        + TOOLS + "/kernel (scripts/install-deps.sh)");
        kernel = found.orElseThrow();
        String release = kernel.getFileName().toString().substring("vmlinuz-".length());
        modules = TOOLS.resolve("kernel/lib/modules").resolve(release).resolve("kernel");
    }

    @AfterEach
    void stopTheGuest() throws InterruptedException {
        if (qemu != null && qemu.isAlive()) {
            qemu.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyLimitHoldsInAGuestWithOnlyCgroup2() throws Exception {
        long building = System.nanoTime();
        buildGuest();
        long booting = System.nanoTime();
        Path serial = dir.resolve("serial.log");
        qemu = new ProcessBuilder(
                        "qemu-system-x86_64",
                        "-machine",
                        "pc,accel=tcg",
                        "-smp",
                        "2",
                        "-m",
                        "1024",
                        "-kernel",
                        kernel.toString(),
                        "-initrd",
                        dir.resolve("initrd.cpio").toString(),
                        "-append",
                        "console=ttyS0 quiet cgroup_no_v1=all panic=-1",
                        "-drive",
                        "file=" + dir.resolve("root.img") + ",format=raw,if=virtio",
                        "-display",
                        "none",
                        "-monitor",
                        "none",
                        "-serial",
                        "file:" + serial,
                        "-no-reboot")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.log").toFile())
                .start();

        await().atMost(GUEST_TIMEOUT)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> read(serial).contains(CgroupV2GuestChecks.DONE) || !qemu.isAlive());
        long finished = System.nanoTime();
        String console = read(serial);
        System.out.printf(
                "cgroup2 guest: image built in %d s, booted and checked in %d s%n%s%n",
                TimeUnit.NANOSECONDS.toSeconds(booting - building),
                TimeUnit.NANOSECONDS.toSeconds(finished - booting),
                console);

        List<String> results = console.lines()
                .map(String::strip)
                .filter(l -> l.startsWith(CgroupV2GuestChecks.PREFIX))
                .toList();
        assertThat(results).as("the guest's console:%n%s", console).contains(CgroupV2GuestChecks.DONE);
        for (String check : CgroupV2GuestChecks.CHECKS) {
            assertThat(results)
                    .as("check %s; the guest's console:%n%s", check, console)
                    .anySatisfy(l -> assertThat(l).startsWith(CgroupV2GuestChecks.PREFIX + check + " ok"));
        }
    }

    private void buildGuest() throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(getClass().getResource("cgroup2-guest.sh").toURI());
        List<String> argv = new ArrayList<>(List.of(
                "sh",
                script.toString(),
                dir.toString(),
                modules.toString(),
                System.getProperty("java.home"),
                System.getProperty("java.class.path"),
                CgroupV2GuestChecks.class.getName(),
                "/tmp/checks"));
        Path log = dir.resolve("build.log");
        Process build = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            assertThat(build.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("guest built within %s", BUILD_TIMEOUT)
                    .isTrue();
            assertThat(build.exitValue())
                    .as("building the guest: %s", read(log))
                    .isZero();
        } finally {
            build.destroyForcibly().waitFor();
        }
    }

    /** The newest kernel install-deps.sh unpacked, when its modules are there too. */
    private static Optional<Path> cloudKernel() throws IOException {
        Path boot = TOOLS.resolve("kernel/boot");
        if (!Files.isDirectory(boot)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(boot)) {
            return files.filter(f -> f.getFileName().toString().startsWith("vmlinuz-"))
                    .filter(f -> Files.isDirectory(TOOLS.resolve("kernel/lib/modules")
                            .resolve(f.getFileName().toString().substring("vmlinuz-".length()))))
                    .max(Path::compareTo);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    }
}
