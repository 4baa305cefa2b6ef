package dev.taskdrivers.qemu.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuTaskConfigTest {
    @TempDir
    Path dir;

    private static final Supplier<KvmVerdict> NO_KVM =
            () -> KvmVerdict.unusable("/dev/kvm opens, but a test guest did not boot under kvm within 5 s");
    private static final Supplier<KvmVerdict> WITH_KVM = () -> KvmVerdict.usable("a test guest booted under kvm");

    private final QemuDriverOptions anyArgs =
            new QemuDriverOptions("qemu-system-x86_64", Optional.empty(), Path.of("/s"));

    @Test
    void reportsEveryProblemAtOnceNamingTheField() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("image_path", dir.resolve("missing.img").toString());
        config.put("accelerator", "hvf");
        config.put("drive_interface", "nvme");
        config.put("args", List.of("-daemonize", "--monitor", "stdio"));
        config.put("port_map", Map.of("db", 5432));
        config.put("graceful_shutdwn", true);

        List<ValidationProblem> problems =
                QemuTaskConfig.parse(task(config), anyArgs, NO_KVM, true).problems();

        assertThat(problems)
                .extracting(ValidationProblem::field)
                .containsExactlyInAnyOrder(
                        "config.image_path",
                        "config.accelerator",
                        "config.drive_interface",
                        "config.args[0]",
                        "config.args[1]",
                        "config.port_map.db",
                        "config.graceful_shutdwn");
        assertThat(problems)
                .filteredOn(p -> p.field().equals("config.image_path"))
                .extracting(ValidationProblem::problem)
                .singleElement()
                .asString()
                .contains("does not exist");
        assertThat(problems)
                .filteredOn(p -> p.field().equals("config.graceful_shutdwn"))
                .extracting(ValidationProblem::problem)
                .containsExactly("unknown option");
    }

    @Test
    void imagePathIsRequired() {
        assertThat(QemuTaskConfig.parse(task(Map.of()), anyArgs, NO_KVM, true).problems())
                .containsExactly(new ValidationProblem("config.image_path", "is required"));
    }

    @Test
    void kvmIsThisNodesProblemWhenTheNodeCannotUseItAndAcceptedWhenItCan() throws Exception {
        Map<String, Object> config = Map.of("image_path", image().toString(), "accelerator", "kvm");

        QemuTaskConfig.Parsed withoutKvm = QemuTaskConfig.parse(task(config), anyArgs, NO_KVM, true);
        assertThat(withoutKvm.problems())
                .as("the task is valid: a node with kvm runs it")
                .isEmpty();
        assertThat(withoutKvm.nodeProblems()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("config.accelerator");
            assertThat(p.problem()).contains("kvm is not usable").contains("a test guest did not boot under kvm");
        });
        assertThat(QemuTaskConfig.parse(task(config), anyArgs, WITH_KVM, true)
                        .config()
                        .accelerator())
                .isEqualTo(Accelerator.KVM);
        assertThat(QemuTaskConfig.parse(task(config), anyArgs, WITH_KVM, true).nodeProblems())
                .isEmpty();
    }

    @Test
    void argsMustBeOnTheOperatorsAllowlistWhenThereIsOne() throws Exception {
        QemuDriverOptions strict =
                new QemuDriverOptions("qemu", Optional.of(Set.of("-kernel", "-append")), Path.of("/s"));
        Map<String, Object> config = Map.of(
                "image_path",
                image().toString(),
                "args",
                List.of("-kernel", "/boot/vmlinuz", "--append", "console=ttyS0", "-device", "x"));

        assertThat(QemuTaskConfig.parse(task(config), strict, NO_KVM, true).problems())
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.field()).isEqualTo("config.args[4]");
                    assertThat(p.problem()).contains("-device", "args_allowlist");
                });
        assertThat(QemuTaskConfig.parse(task(config), anyArgs, NO_KVM, true).problems())
                .isEmpty();
    }

    @Test
    void defaultsAreTcgIdeAndNoGracefulShutdown() throws Exception {
        QemuTaskConfig config = QemuTaskConfig.parse(
                        task(Map.of("image_path", image().toString())), anyArgs, WITH_KVM, true)
                .config();
        assertThat(config.accelerator()).isEqualTo(Accelerator.TCG);
        assertThat(config.driveInterface()).isEqualTo("ide");
        assertThat(config.gracefulShutdown()).isFalse();
    }

    @Test
    void theCommandLineForwardsMappedPortsEscapesCommasAndTakesMemoryFromResources() throws Exception {
        Path image = Files.write(dir.resolve("a,b.img"), new byte[512]);
        Map<String, Object> raw =
                Map.of("image_path", image.toString(), "port_map", Map.of("http", 80), "args", List.of("-snapshot"));
        TaskConfig task = task(raw);
        QemuTaskConfig config =
                QemuTaskConfig.parse(task, anyArgs, NO_KVM, true).config();

        List<String> argv = QemuCommandLine.build("qemu", task, config, new TaskFiles(Path.of("/s/abc")));

        assertThat(String.join(" ", argv))
                .contains("-machine type=pc,accel=tcg")
                .contains("-m 512M")
                .contains("-drive file=" + dir + "/a,,b.img,if=ide")
                .contains("-monitor unix:/s/abc/mon.sock,server,nowait")
                .contains("hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp:127.0.0.1:8080-:80")
                .endsWith("-snapshot");
    }

    @Test
    void guestAgentMustBeABool() throws Exception {
        Map<String, Object> config = Map.of("image_path", image().toString(), "guest_agent", "yes");

        assertThat(QemuTaskConfig.parse(task(config), anyArgs, NO_KVM, true).problems())
                .containsExactly(new ValidationProblem("config.guest_agent", "must be true or false, got \"yes\""));
    }

    @Test
    void theGuestAgentGetsItsPortBackedByASocketInTheShortStateDirectoryNotTheTaskDirectory() throws Exception {
        TaskConfig task = task(Map.of("image_path", image().toString(), "guest_agent", true));
        QemuTaskConfig config =
                QemuTaskConfig.parse(task, anyArgs, NO_KVM, true).config();

        String argv = String.join(" ", QemuCommandLine.build("qemu", task, config, new TaskFiles(Path.of("/s/abc"))));

        assertThat(argv)
                .contains("-chardev socket,path=/s/abc/qa.sock,server=on,wait=off,id=qga0")
                .contains("-device virtio-serial -device virtserialport,chardev=qga0,name=org.qemu.guest_agent.0");
        QemuTaskConfig without = QemuTaskConfig.parse(
                        task(Map.of("image_path", image().toString())), anyArgs, NO_KVM, true)
                .config();
        assertThat(String.join(" ", QemuCommandLine.build("qemu", task, without, new TaskFiles(Path.of("/s/abc")))))
                .doesNotContain("qga0")
                .doesNotContain("virtio-serial");
    }

    @Test
    void aStateDirTooLongForAUnixSocketIsRefused() throws Exception {
        Path longDir = Path.of("/" + "d".repeat(100));
        QemuDriver driver =
                new QemuDriver(QemuDriverOptions.from(new DriverContext(Map.of("state_dir", longDir.toString()), dir)));

        assertThat(driver.validate(task(Map.of("image_path", image().toString()))))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.field()).isEqualTo("driver.state_dir");
                    assertThat(p.problem()).contains("107 bytes");
                });
    }

    @Test
    void aRelativeImagePathIsTheTaskDirectorysAsWhereAnArtifactPutsIt() throws Exception {
        Path local = Files.createDirectories(dir.resolve("vm").resolve("local"));
        Files.write(local.resolve("os.img"), new byte[512]);

        QemuTaskConfig config = QemuTaskConfig.parse(task(Map.of("image_path", "local/os.img")), anyArgs, NO_KVM, true)
                .config();

        assertThat(config.imagePath()).isEqualTo(local.resolve("os.img"));
        assertThat(QemuCommandLine.build(
                        "qemu",
                        task(Map.of()),
                        config,
                        TaskFiles.of(dir.resolve("s"), task(Map.of()).id())))
                .contains("file=" + local.resolve("os.img") + ",if=ide");
    }

    @Test
    void anImageOutsideTheAllocationIsRefusedUnlessTheOperatorListsItsDirectory(@TempDir Path elsewhere)
            throws Exception {
        Path outside = Files.write(elsewhere.resolve("shared.img"), new byte[512]);
        Map<String, Object> config = Map.of("image_path", outside.toString());

        assertThat(QemuTaskConfig.parse(task(config), anyArgs, NO_KVM, true).problems())
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.field()).isEqualTo("config.image_path");
                    assertThat(p.problem())
                            .contains("is outside the task's allocation")
                            .contains("the operator allows no other image_paths");
                });
        QemuDriverOptions allowing = new QemuDriverOptions("qemu", Optional.empty(), Path.of("/s"), List.of(elsewhere));
        assertThat(QemuTaskConfig.parse(task(config), allowing, NO_KVM, true).problems())
                .isEmpty();
    }

    @Test
    void aLinkInsideTheTaskDirectoryPointingOutOfTheAllocationIsRefused(@TempDir Path elsewhere) throws Exception {
        Path target = Files.write(elsewhere.resolve("host.img"), new byte[512]);
        Path local = Files.createDirectories(dir.resolve("vm").resolve("local"));
        Files.createSymbolicLink(local.resolve("os.img"), target);

        assertThat(QemuTaskConfig.parse(task(Map.of("image_path", "local/os.img")), anyArgs, NO_KVM, true)
                        .problems())
                .singleElement()
                .satisfies(p -> assertThat(p.problem()).startsWith(target.toRealPath() + " is outside"));
    }

    @Test
    void theMachineTypeReachesQemuAndABadOneIsNamed() throws Exception {
        Map<String, Object> q35 = Map.of("image_path", image().toString(), "machine_type", "q35");
        QemuTaskConfig config =
                QemuTaskConfig.parse(task(q35), anyArgs, NO_KVM, true).config();

        assertThat(QemuCommandLine.build(
                        "qemu",
                        task(q35),
                        config,
                        TaskFiles.of(dir.resolve("s"), task(q35).id())))
                .containsSequence("-machine", "type=q35,accel=tcg");
        assertThat(QemuTaskConfig.parse(
                                task(Map.of("image_path", image().toString(), "machine_type", "pc,accel=kvm")),
                                anyArgs,
                                NO_KVM,
                                true)
                        .problems())
                .extracting(ValidationProblem::field)
                .containsExactly("config.machine_type");
    }

    @Test
    void imagePathsMustBeAbsoluteDirectories() {
        assertThatThrownBy(() -> QemuDriverOptions.from(
                        new DriverContext(Map.of("image_paths", List.of("images", "/srv/vm")), dir)))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems())
                                .extracting(ValidationProblem::field)
                                .containsExactly("image_paths[0]"));
    }

    private Path image() throws Exception {
        Path image = dir.resolve("disk.img");
        if (!Files.exists(image)) {
            Files.write(image, new byte[512]);
        }
        return image;
    }

    private TaskConfig task(Map<String, Object> config) {
        return new TaskConfig(
                new TaskId("a1", "job", "group", 0, "vm"),
                config,
                Map.of(),
                new Resources(100, 512, List.of(new Port("http", 8080, "127.0.0.1"))),
                TaskDirs.standard(dir, "vm"),
                null,
                null,
                null);
    }
}
