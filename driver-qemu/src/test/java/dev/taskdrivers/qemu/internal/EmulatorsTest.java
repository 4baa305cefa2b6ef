package dev.taskdrivers.qemu.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's {@code emulator}: an architecture whose installed qemu-system binary runs the VM, never a path. */
class EmulatorsTest {
    @TempDir
    Path dir;

    private Path bin;
    private Path image;

    @BeforeEach
    void installEmulators() throws Exception {
        bin = Files.createDirectories(dir.resolve("bin"));
        for (String arch : List.of("x86_64", "aarch64")) {
            Files.writeString(bin.resolve("qemu-system-" + arch), "#!/bin/sh\n");
            Files.setPosixFilePermissions(
                    bin.resolve("qemu-system-" + arch), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(bin.resolve("qemu-system-riscv64"), "not executable\n");
        image = Files.write(Files.createDirectories(dir.resolve("alloc")).resolve("disk.img"), new byte[512]);
    }

    @Test
    void anArchitectureRunsItsBinaryNextToTheOperatorsQemuPath() {
        QemuTaskConfig config = parse(options(Optional.empty()), "aarch64").config();

        assertThat(config.emulator())
                .isEqualTo(bin.resolve("qemu-system-aarch64").toString());
        assertThat(QemuCommandLine.build(config.emulator(), task("aarch64"), config, new TaskFiles(dir.resolve("s"))))
                .first()
                .isEqualTo(bin.resolve("qemu-system-aarch64").toString());
    }

    @Test
    void withoutAnEmulatorTheOperatorsQemuPathRunsTheVm() {
        assertThat(parse(options(Optional.empty()), null).config().emulator())
                .isEqualTo(bin.resolve("qemu-system-x86_64").toString());
    }

    @Test
    void eachUnusableEmulatorIsRefusedOnItsFieldWithTheReasonAMissingOneAsThisNodesProblem() {
        QemuDriverOptions any = options(Optional.empty());

        assertThat(nodeProblem(any, "riscv64"))
                .isEqualTo(bin.resolve("qemu-system-riscv64") + " is not an executable file");
        assertThat(nodeProblem(any, "mips")).isEqualTo("no qemu-system-mips is installed on this node");
        assertThat(problem(any, "../../bin/sh"))
                .isEqualTo("must be a QEMU architecture such as \"x86_64\" or \"aarch64\", got \"../../bin/sh\"");
        assertThat(problem(options(Optional.of(Set.of("x86_64"))), "aarch64"))
                .isEqualTo("\"aarch64\" is not in the operator's emulators_allowlist [x86_64]");
    }

    @Test
    void theEmulatorMustBeAString() {
        TaskConfig task = new TaskConfig(
                task(null).id(),
                Map.of("image_path", image.toString(), "emulator", 64),
                Map.of(),
                task(null).resources(),
                task(null).dirs(),
                null,
                null,
                null);

        assertThat(QemuTaskConfig.parse(task, options(Optional.empty()), () -> KvmVerdict.usable("x"), true)
                        .problems())
                .extracting(ValidationProblem::field)
                .containsExactly("config.emulator");
    }

    @Test
    void theFingerprintListsTheAllowedInstalledEmulators() {
        assertThat(new Emulators(options(Optional.empty())).installed())
                .containsOnlyKeys("aarch64", "x86_64")
                .containsEntry("aarch64", bin.resolve("qemu-system-aarch64"));
        assertThat(new Emulators(options(Optional.of(Set.of("x86_64")))).installed())
                .containsOnlyKeys("x86_64");
    }

    @Test
    void theAllowlistHoldsArchitecturesOnly() {
        assertThatThrownBy(() -> QemuDriverOptions.from(
                        new DriverContext(Map.of("emulators_allowlist", List.of("x86_64", "/bin/sh")), dir)))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems())
                                .extracting(ValidationProblem::field)
                                .containsExactly("emulators_allowlist[1]"));
    }

    private QemuDriverOptions options(Optional<Set<String>> allowlist) {
        return new QemuDriverOptions(
                bin.resolve("qemu-system-x86_64").toString(), Optional.empty(), dir.resolve("s"), List.of(), allowlist);
    }

    private String problem(QemuDriverOptions options, String arch) {
        List<ValidationProblem> problems = parse(options, arch).problems();
        assertThat(problems).extracting(ValidationProblem::field).containsExactly("config.emulator");
        return problems.get(0).problem();
    }

    /** An emulator a task may ask for that this node cannot run: a problem of the node, not of the task. */
    private String nodeProblem(QemuDriverOptions options, String arch) {
        QemuTaskConfig.Parsed parsed = parse(options, arch);
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.nodeProblems()).extracting(ValidationProblem::field).containsExactly("config.emulator");
        return parsed.nodeProblems().get(0).problem();
    }

    private QemuTaskConfig.Parsed parse(QemuDriverOptions options, String arch) {
        return QemuTaskConfig.parse(task(arch), options, () -> KvmVerdict.usable("x"), true);
    }

    private TaskConfig task(String arch) {
        Map<String, Object> config = arch == null
                ? Map.of("image_path", image.toString())
                : Map.of("image_path", image.toString(), "emulator", arch);
        return new TaskConfig(
                new TaskId("a1", "job", "group", 0, "vm"),
                config,
                Map.of(),
                new Resources(100, 256, List.of()),
                TaskDirs.standard(dir.resolve("alloc"), "vm"),
                null,
                null,
                null);
    }
}
