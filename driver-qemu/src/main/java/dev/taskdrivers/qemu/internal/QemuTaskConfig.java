package dev.taskdrivers.qemu.internal;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.ValidationProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A task's {@code config} block for the qemu driver.
 *
 * @param imagePath the disk image attached as the first drive, absolute
 * @param machineType the QEMU machine type ({@code pc} by default)
 * @param driveInterface the bus the image is attached to ({@code ide} by default, as QEMU does)
 * @param accelerator tcg (default) or kvm
 * @param args extra QEMU arguments, checked against the operator's allowlist
 * @param portMap port label to the guest port it forwards to
 * @param gracefulShutdown whether stop presses the ACPI power button first
 * @param emulator the binary that runs the VM: the operator's {@code qemu_path}, or the {@code qemu-system-*}
 *        binary of the architecture the task names in {@code emulator}
 * @param guestAgent whether the VM gets the guest agent's port and stop asks the agent to shut the guest down first
 */
public record QemuTaskConfig(
        Path imagePath,
        String machineType,
        String driveInterface,
        Accelerator accelerator,
        List<String> args,
        Map<String, Integer> portMap,
        boolean gracefulShutdown,
        boolean guestAgent,
        String emulator) {

    /** Flags the driver sets itself, or that would take the VM out of its supervision. */
    static final Set<String> RESERVED_FLAGS = Set.of(
            "-daemonize",
            "-monitor",
            "-qmp",
            "-qmp-pretty",
            "-pidfile",
            "-machine",
            "-M",
            "-accel",
            "-enable-kvm",
            "-m");

    private static final Pattern MACHINE_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    static final Set<String> DRIVE_INTERFACES =
            Set.of("ide", "scsi", "sd", "mtd", "floppy", "pflash", "virtio", "none");

    /** The result of reading a config: the config when valid, and every problem found. */
    /**
     * @param config the config, null when it has {@code problems}
     * @param problems what is wrong with the task's configuration
     * @param nodeProblems what this node lacks that the configuration asks for (KVM that runs guests, an emulator)
     */
    record Parsed(
            @Nullable QemuTaskConfig config, List<ValidationProblem> problems, List<ValidationProblem> nodeProblems) {}

    /**
     * Reads and checks a task's config.
     *
     * @param portsKnown whether {@code task.resources().ports()} are the ports granted to the task, so a
     *        {@code port_map} label missing from them is an error; false for a check made before ports are granted
     */
    static Parsed parse(TaskConfig task, QemuDriverOptions options, Supplier<KvmVerdict> kvm, boolean portsKnown) {
        return parse(task, options, kvm, portsKnown, true);
    }

    /**
     * Reads and checks a task's config.
     *
     * @param portsKnown see {@link #parse(TaskConfig, QemuDriverOptions, Supplier, boolean)}
     * @param imagePresent whether the image must be there already: false for a check made before the task's
     *        artifacts are fetched, where a relative {@code image_path} that is missing is not a problem (yet)
     */
    static Parsed parse(
            TaskConfig task,
            QemuDriverOptions options,
            Supplier<KvmVerdict> kvm,
            boolean portsKnown,
            boolean imagePresent) {
        ConfigReader r = new ConfigReader(task.driverConfig(), "config");
        List<ValidationProblem> node = new ArrayList<>();
        String image = r.requiredString("image_path");
        Path imagePath = image == null || image.isBlank()
                ? null
                : ImageLocation.check(r, image, task, options, imagePresent, node);
        String machine = r.string("machine_type", "pc");
        if (!MACHINE_TYPE.matcher(machine).matches()) {
            r.problem("machine_type", "must be a QEMU machine type such as \"pc\" or \"q35\", got \"" + machine + "\"");
        }
        String drive = r.string("drive_interface", "ide");
        if (!DRIVE_INTERFACES.contains(drive)) {
            r.problem(
                    "drive_interface", "must be one of " + new TreeSet<>(DRIVE_INTERFACES) + ", got \"" + drive + "\"");
        }
        String accelName = r.string("accelerator", Accelerator.TCG.configName());
        Accelerator accelerator = Accelerator.parse(accelName).orElse(null);
        if (accelerator == null) {
            r.problem("accelerator", "must be \"tcg\" or \"kvm\", got \"" + accelName + "\"");
        } else if (accelerator == Accelerator.KVM) {
            KvmVerdict verdict = kvm.get();
            if (!verdict.usable()) {
                node.add(new ValidationProblem(
                        "config.accelerator",
                        "kvm is not usable on this node (" + verdict.reason() + "); use \"tcg\""));
            }
        }
        List<String> args = r.stringList("args");
        checkArgs(r, args, options);
        Map<String, Integer> portMap = r.portMap("port_map");
        if (portsKnown) {
            PortLabels.missing(portMap.keySet(), task.resources())
                    .forEach((label, problem) -> r.problem("port_map." + label, problem));
        }
        boolean graceful = r.bool("graceful_shutdown", false);
        boolean guestAgent = r.bool("guest_agent", false);
        String emulator = emulator(r, options, node);
        List<ValidationProblem> problems = r.problems();
        QemuTaskConfig config = problems.isEmpty() && imagePath != null && accelerator != null
                ? new QemuTaskConfig(
                        imagePath,
                        machine,
                        drive,
                        accelerator,
                        List.copyOf(args),
                        portMap,
                        graceful,
                        guestAgent,
                        emulator)
                : null;
        return new Parsed(config, problems, List.copyOf(node));
    }

    /** The binary of the task's {@code emulator}; the operator's qemu_path, unchecked, when the task names none. */
    private static String emulator(ConfigReader r, QemuDriverOptions options, List<ValidationProblem> node) {
        String arch = r.optionalString("emulator");
        if (arch == null) {
            return options.qemuPath();
        }
        Emulators emulators = new Emulators(options);
        Optional<String> problem = emulators.problem(arch);
        problem.ifPresent(p -> r.problem("emulator", p));
        Optional<String> missing = problem.isEmpty() ? emulators.nodeProblem(arch) : Optional.empty();
        missing.ifPresent(p -> node.add(new ValidationProblem("config.emulator", p)));
        return problem.isEmpty() && missing.isEmpty()
                ? emulators.binary(arch).map(Path::toString).orElse(options.qemuPath())
                : options.qemuPath();
    }

    private static void checkArgs(ConfigReader r, List<String> args, QemuDriverOptions options) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.length() < 2) {
                continue;
            }
            String flag = normalize(arg);
            if (RESERVED_FLAGS.contains(flag)) {
                r.problem("args[" + i + "]", arg + " is set by the driver and may not be given in args");
            } else if (options.argsAllowlist().isPresent()
                    && options.argsAllowlist().get().stream()
                            .map(QemuTaskConfig::normalize)
                            .noneMatch(flag::equals)) {
                r.problem(
                        "args[" + i + "]",
                        arg + " is not in the operator's args_allowlist "
                                + new TreeSet<>(options.argsAllowlist().get()));
            }
        }
    }

    /** QEMU accepts {@code --flag} as {@code -flag}. */
    static String normalize(String flag) {
        return flag.startsWith("--") ? flag.substring(1) : flag;
    }
}
