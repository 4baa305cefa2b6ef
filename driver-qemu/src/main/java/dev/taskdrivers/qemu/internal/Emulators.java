package dev.taskdrivers.qemu.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The QEMU system emulators a task may name by architecture ({@code emulator = "x86_64"} runs
 * {@code qemu-system-x86_64}). A task names an architecture, never a path, so it can only pick one of the
 * {@code qemu-system-*} binaries the operator installed, further limited by {@code emulators_allowlist}.
 */
final class Emulators {
    static final String DEFAULT_ARCH = "x86_64";
    static final String BINARY_PREFIX = "qemu-system-";
    /** An architecture as QEMU names its binaries: no path separators or dots. */
    static final Pattern ARCH = Pattern.compile("[a-z0-9][a-z0-9_]{0,31}");

    private final QemuDriverOptions options;

    Emulators(QemuDriverOptions options) {
        this.options = options;
    }

    /**
     * The binary of {@code arch}: the operator's {@code qemu_path} for x86_64; another architecture's binary next to
     * an absolute {@code qemu_path}, else on the PATH.
     */
    Optional<Path> binary(String arch) {
        if (arch.equals(DEFAULT_ARCH)) {
            return find(options.qemuPath());
        }
        Path qemu = Path.of(options.qemuPath());
        if (qemu.isAbsolute() && qemu.getParent() != null) {
            Path sibling = qemu.getParent().resolve(BINARY_PREFIX + arch);
            return Files.exists(sibling) ? Optional.of(sibling) : Optional.empty();
        }
        return find(BINARY_PREFIX + arch);
    }

    /** Why a task may not use {@code arch} on any node of this configuration, or empty when it may. */
    Optional<String> problem(String arch) {
        if (!ARCH.matcher(arch).matches()) {
            return Optional.of("must be a QEMU architecture such as \"x86_64\" or \"aarch64\", got \"" + arch + "\"");
        }
        Optional<Set<String>> allowlist = options.emulatorsAllowlist();
        if (allowlist.isPresent() && !allowlist.get().contains(arch)) {
            return Optional.of("\"" + arch + "\" is not in the operator's emulators_allowlist "
                    + allowlist.get().stream().sorted().toList());
        }
        return Optional.empty();
    }

    /** Why this node cannot run {@code arch}, an architecture a task may use: its emulator is not installed. */
    Optional<String> nodeProblem(String arch) {
        Optional<Path> binary = binary(arch);
        if (binary.isEmpty()) {
            return Optional.of("no " + (arch.equals(DEFAULT_ARCH) ? options.qemuPath() : BINARY_PREFIX + arch)
                    + " is installed on this node");
        }
        if (!Files.isRegularFile(binary.get()) || !Files.isExecutable(binary.get())) {
            return Optional.of(binary.get() + " is not an executable file");
        }
        return Optional.empty();
    }

    /** Architecture to binary of every allowed emulator installed where {@link #binary} looks, by name. */
    TreeMap<String, Path> installed() {
        TreeMap<String, Path> found = new TreeMap<>();
        for (Path dir : searchDirs()) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().startsWith(BINARY_PREFIX))
                        .map(f -> f.getFileName().toString().substring(BINARY_PREFIX.length()))
                        .filter(arch -> ARCH.matcher(arch).matches())
                        .filter(this::usable)
                        .forEach(arch -> binary(arch).ifPresent(b -> found.putIfAbsent(arch, b)));
            } catch (IOException e) {
                // a PATH entry that cannot be listed holds no emulator we can use
            }
        }
        if (usable(DEFAULT_ARCH)) {
            binary(DEFAULT_ARCH).ifPresent(b -> found.putIfAbsent(DEFAULT_ARCH, b));
        }
        return found;
    }

    private boolean usable(String arch) {
        return problem(arch).isEmpty() && nodeProblem(arch).isEmpty();
    }

    private List<Path> searchDirs() {
        Path qemu = Path.of(options.qemuPath());
        if (qemu.isAbsolute() && qemu.getParent() != null) {
            return List.of(qemu.getParent());
        }
        List<Path> dirs = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                dirs.add(Path.of(entry));
            }
        }
        return dirs;
    }

    /** {@code program} as given when it has a slash, else the first executable of that name on the PATH. */
    private static Optional<Path> find(String program) {
        if (program.contains("/")) {
            Path path = Path.of(program);
            return Files.exists(path) ? Optional.of(path.toAbsolutePath()) : Optional.empty();
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
