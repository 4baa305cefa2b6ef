package dev.taskdrivers.qemu.internal;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.DriverContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Operator configuration of the qemu driver.
 *
 * @param qemuPath the emulator binary ({@code qemu_path}, default {@code qemu-system-x86_64} from PATH)
 * @param argsAllowlist flags a task's {@code args} may use ({@code args_allowlist}); empty means any flag not
 *        reserved by the driver
 * @param stateDir where each task gets a directory with its monitor socket, pid and exit status ({@code state_dir},
 *        default the driver's data dir); keep it short, unix socket paths are limited to 107 bytes
 * @param imagePaths absolute directories a task's {@code image_path} may point into besides its own allocation
 *        ({@code image_paths}, default none: images must lie in the allocation, where artifacts put them)
 * @param emulatorsAllowlist architectures a task's {@code emulator} may name ({@code emulators_allowlist}); empty
 *        means any installed {@code qemu-system-*} emulator
 */
public record QemuDriverOptions(
        String qemuPath,
        Optional<Set<String>> argsAllowlist,
        Path stateDir,
        List<Path> imagePaths,
        Optional<Set<String>> emulatorsAllowlist) {
    public static final String DEFAULT_QEMU = "qemu-system-x86_64";

    /** Options with no allowlists: any flag, images only inside the task's allocation. */
    public QemuDriverOptions(String qemuPath, Optional<Set<String>> argsAllowlist, Path stateDir) {
        this(qemuPath, argsAllowlist, stateDir, List.of());
    }

    /** Options allowing any installed emulator. */
    public QemuDriverOptions(
            String qemuPath, Optional<Set<String>> argsAllowlist, Path stateDir, List<Path> imagePaths) {
        this(qemuPath, argsAllowlist, stateDir, imagePaths, Optional.empty());
    }

    /** Reads the options; throws a {@link dev.taskdrivers.api.ValidationException} listing every problem. */
    public static QemuDriverOptions from(DriverContext context) {
        ConfigReader r = new ConfigReader(context.options(), "");
        String qemu = r.string("qemu_path", DEFAULT_QEMU);
        Optional<Set<String>> allowlist = Optional.empty();
        if (r.has("args_allowlist")) {
            List<String> flags = r.stringList("args_allowlist");
            allowlist = Optional.of(Set.copyOf(flags));
        }
        Optional<Set<String>> emulators = Optional.empty();
        if (r.has("emulators_allowlist")) {
            List<String> arches = r.stringList("emulators_allowlist");
            for (int i = 0; i < arches.size(); i++) {
                if (!Emulators.ARCH.matcher(arches.get(i)).matches()) {
                    r.problem(
                            "emulators_allowlist[" + i + "]",
                            "must be a QEMU architecture such as \"x86_64\", got \"" + arches.get(i) + "\"");
                }
            }
            emulators = Optional.of(Set.copyOf(arches));
        }
        String stateDir = r.optionalString("state_dir");
        List<Path> imagePaths = new ArrayList<>();
        List<String> imageDirs = r.stringList("image_paths");
        for (int i = 0; i < imageDirs.size(); i++) {
            Path dir = Path.of(imageDirs.get(i));
            if (!dir.isAbsolute()) {
                r.problem("image_paths[" + i + "]", "must be an absolute path, got \"" + imageDirs.get(i) + "\"");
            } else {
                imagePaths.add(dir.normalize());
            }
        }
        if (qemu != null && qemu.isBlank()) {
            r.problem("qemu_path", "must not be empty");
        }
        r.throwIfInvalid();
        return new QemuDriverOptions(
                qemu,
                allowlist,
                stateDir == null ? context.dataDir() : Path.of(stateDir),
                List.copyOf(imagePaths),
                emulators);
    }
}
