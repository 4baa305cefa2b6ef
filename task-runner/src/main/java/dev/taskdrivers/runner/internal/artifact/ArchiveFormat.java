package dev.taskdrivers.runner.internal.artifact;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The archive and compression formats an artifact can be unpacked from, by their Nomad names. */
public enum ArchiveFormat {
    TAR(true, "tar"),
    TAR_GZ(true, "tar.gz", "tgz"),
    TAR_BZ2(true, "tar.bz2", "tbz2"),
    TAR_XZ(true, "tar.xz", "txz"),
    ZIP(true, "zip"),
    /** One compressed file: it is decompressed, not unpacked. */
    GZ(false, "gz");

    /** The names {@code options.archive} takes, for messages. */
    public static final String NAMES = "tar, tar.gz, tgz, tar.bz2, tbz2, tar.xz, txz, zip, gz or false";

    private final boolean holdsFiles;

    @SuppressWarnings("ImmutableEnumChecker") // List.of is unmodifiable
    private final List<String> names;

    ArchiveFormat(boolean holdsFiles, String... names) {
        this.holdsFiles = holdsFiles;
        this.names = List.of(names);
    }

    /** Whether it holds a tree of entries (tar, zip), rather than one compressed file (gz). */
    public boolean holdsFiles() {
        return holdsFiles;
    }

    /** The format named as in {@code options.archive}; empty for an unknown name. */
    public static Optional<ArchiveFormat> named(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (ArchiveFormat f : values()) {
            for (String candidate : f.names) {
                if (candidate.equals(n)) {
                    return Optional.of(f);
                }
            }
        }
        return Optional.empty();
    }

    /** The format a file name ends with (longest name first, so {@code a.tar.gz} is a tar.gz); empty when none. */
    public static Optional<ArchiveFormat> ofFileName(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        ArchiveFormat best = null;
        int bestLength = 0;
        for (ArchiveFormat f : values()) {
            for (String candidate : f.names) {
                if (n.endsWith("." + candidate) && candidate.length() > bestLength) {
                    best = f;
                    bestLength = candidate.length();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code fileName} without this format's extension, e.g. {@code run.sh} of {@code run.sh.gz}. */
    public String strip(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        for (String candidate : names) {
            if (n.endsWith("." + candidate)) {
                return fileName.substring(0, fileName.length() - candidate.length() - 1);
            }
        }
        return fileName;
    }
}
