package dev.taskdrivers.exec.internal.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The mounts of a mount namespace, parsed from a {@code mountinfo} file (proc(5)). */
public final class MountInfo {
    /** The mounts the calling process sees. */
    public static final Path SELF = Path.of("/proc/self/mountinfo");

    private final List<Mount> mounts;

    private MountInfo(List<Mount> mounts) {
        this.mounts = List.copyOf(mounts);
    }

    /** Reads a mountinfo file such as {@link #SELF}. */
    public static MountInfo read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static MountInfo parse(String text) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (separator < 6 || fields.length < separator + 4) {
                continue;
            }
            mounts.add(new Mount(
                    Path.of(unescape(fields[4])),
                    fields[separator + 1],
                    fields[separator + 2],
                    List.of(fields[separator + 3].split(","))));
        }
        return new MountInfo(mounts);
    }

    public List<Mount> mounts() {
        return mounts;
    }

    /** The mounts at {@code dir} or below it, deepest first (the order to unmount them in). */
    public List<Mount> under(Path dir) {
        Path normalized = dir.toAbsolutePath().normalize();
        List<Mount> result = new ArrayList<>();
        for (Mount m : mounts) {
            if (m.mountPoint().startsWith(normalized)) {
                result.add(m);
            }
        }
        result.sort((a, b) ->
                Integer.compare(b.mountPoint().getNameCount(), a.mountPoint().getNameCount()));
        return result;
    }

    /** Mount points escape space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\'
                    && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * One mount.
     *
     * @param mountPoint where it is mounted
     * @param fsType the filesystem type, e.g. {@code cgroup2}
     * @param source what is mounted, e.g. a device
     * @param superOptions the filesystem's options, e.g. {@code rw,memory} for a v1 cgroup hierarchy
     */
    public record Mount(Path mountPoint, String fsType, String source, List<String> superOptions) {
        public Mount {
            superOptions = List.copyOf(superOptions);
        }
    }
}
