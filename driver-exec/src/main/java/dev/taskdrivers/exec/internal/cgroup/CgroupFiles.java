package dev.taskdrivers.exec.internal.cgroup;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.exec.internal.process.SetupStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** Reads and writes cgroup interface files, with errors that name the file. */
final class CgroupFiles {

    private CgroupFiles() {}

    static void write(Path file, String value) {
        try {
            Files.writeString(file, value, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw DriverException.fatal(
                    ErrorCode.DRIVER_UNAVAILABLE, "cannot write '" + value + "' to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a file the kernel may not offer (e.g. swap limits without swap accounting); whether it did. */
    static boolean writeIfPresent(Path file, String value) {
        try {
            Files.writeString(file, value, StandardCharsets.US_ASCII);
            return true;
        } catch (IOException e) {
            if (Files.exists(file)) {
                throw DriverException.fatal(
                        ErrorCode.DRIVER_UNAVAILABLE,
                        "cannot write '" + value + "' to " + file + ": " + e.getMessage(),
                        e);
            }
            return false;
        }
    }

    /** The file's text, or empty text when it does not exist. */
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw DriverException.fatal(ErrorCode.DRIVER_UNAVAILABLE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The pids listed one per line in a {@code cgroup.procs} file. */
    static Set<Long> pids(Path procsFile) {
        Set<Long> pids = new LinkedHashSet<>();
        for (String line : read(procsFile).split("\n")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.trim()));
            }
        }
        return pids;
    }

    /** The value of {@code key} in a flat-keyed file such as {@code memory.events} ({@code key value} lines). */
    static OptionalLong keyed(Path file, String key) {
        for (String line : read(file).split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals(key)) {
                return OptionalLong.of(Long.parseLong(parts[1]));
            }
        }
        return OptionalLong.empty();
    }

    /** A file holding one number; empty when the file is missing or empty. */
    static OptionalLong number(Path file) {
        String text = read(file).trim();
        return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    }

    /** Removes a cgroup directory (cgroupfs removes the interface files with it); gone already is fine. */
    static void rmdir(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw DriverException.recoverable(ErrorCode.EXTERNAL, "cannot remove cgroup " + dir + ": " + e, e);
        }
    }

    /** Takes the directory and write steps of a cgroup's creation ({@link TaskCgroup#creationSteps}) here. */
    static void apply(List<SetupStep> steps) {
        for (SetupStep step : steps) {
            Path target = Path.of(step.target());
            if (step.isDirectory()) {
                mkdirs(target);
            } else if (step.isWrite() && step.skipsMissingFile()) {
                writeIfPresent(target, step.data());
            } else if (step.isWrite()) {
                write(target, step.data());
            } else {
                throw new IllegalArgumentException("not a cgroup step: " + step.op());
            }
        }
    }

    /** Steps creating {@code dir} and each of its missing ancestors below {@code base}, parents first. */
    static List<SetupStep> directories(Path base, Path dir) {
        List<SetupStep> steps = new ArrayList<>();
        Path current = base;
        for (Path name : base.relativize(dir)) {
            current = current.resolve(name.toString());
            steps.add(SetupStep.directory(current.toString(), 0755));
        }
        return steps;
    }

    static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw DriverException.fatal(ErrorCode.DRIVER_UNAVAILABLE, "cannot create cgroup " + dir + ": " + e, e);
        }
    }
}
