package dev.taskdrivers.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How many files of each of a task's logs (stdout, stderr) are kept and how large each grows before it is rotated:
 * Nomad's {@code logs { max_files, max_file_size }}. The files are {@code <logs dir>/<task>.stdout.N} and
 * {@code .stderr.N} ({@link LogStream#fileName}); the highest index is written, lower numbers are older.
 */
public final class LogConfig {
    /** Files kept per stream unless set, as in Nomad. */
    public static final int DEFAULT_MAX_FILES = 10;
    /** MiB at which a file is rotated unless set, as in Nomad. */
    public static final int DEFAULT_MAX_FILE_SIZE_MB = 10;
    /** The most files a stream may keep. */
    public static final int MAX_FILES_LIMIT = 1000;
    /** The largest file size, in MiB. */
    public static final int MAX_FILE_SIZE_MB_LIMIT = 1024 * 1024;

    /** Nomad's defaults: 10 files of 10 MiB per stream. */
    public static final LogConfig DEFAULT = new LogConfig(DEFAULT_MAX_FILES, DEFAULT_MAX_FILE_SIZE_MB * 1024L * 1024L);

    private static final long MIB = 1024L * 1024L;

    private final int maxFiles;
    private final long maxFileSizeBytes;

    private LogConfig(int maxFiles, long maxFileSizeBytes) {
        this.maxFiles = maxFiles;
        this.maxFileSizeBytes = maxFileSizeBytes;
    }

    /**
     * @throws IllegalArgumentException when a value is out of its range
     */
    public static LogConfig of(int maxFiles, int maxFileSizeMb) {
        return builder().maxFiles(maxFiles).maxFileSizeMb(maxFileSizeMb).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How many files of each stream are kept, the one being written included. */
    public int maxFiles() {
        return maxFiles;
    }

    /** The size in bytes at which the file being written is rotated. */
    public long maxFileSizeBytes() {
        return maxFileSizeBytes;
    }

    /** The rotation size in whole MiB, rounded up (for settings that take MiB, such as an engine's log cap). */
    public long maxFileSizeMb() {
        return (maxFileSizeBytes + MIB - 1) / MIB;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogConfig l && maxFiles == l.maxFiles && maxFileSizeBytes == l.maxFileSizeBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxFiles, maxFileSizeBytes);
    }

    @Override
    public String toString() {
        return "LogConfig[maxFiles=" + maxFiles + ", maxFileSizeBytes=" + maxFileSizeBytes + "]";
    }

    /** Starts from {@link #DEFAULT}. */
    public static final class Builder {
        private int maxFiles = DEFAULT_MAX_FILES;
        private long maxFileSizeBytes = DEFAULT_MAX_FILE_SIZE_MB * 1024L * 1024L;

        private Builder() {}

        /** 1 to {@link #MAX_FILES_LIMIT}; {@link #DEFAULT_MAX_FILES} unless set. */
        public Builder maxFiles(int value) {
            this.maxFiles = value;
            return this;
        }

        /** 1 to {@link #MAX_FILE_SIZE_MB_LIMIT} MiB; {@link #DEFAULT_MAX_FILE_SIZE_MB} unless set. */
        public Builder maxFileSizeMb(int value) {
            this.maxFileSizeBytes = value < 1 || value > MAX_FILE_SIZE_MB_LIMIT ? -1 : value * MIB;
            return this;
        }

        /**
         * The rotation size in bytes, at least 1: finer than the spec's MiB, for embedders and tests that need
         * small files.
         */
        public Builder maxFileSizeBytes(long value) {
            this.maxFileSizeBytes = value;
            return this;
        }

        /** @throws IllegalArgumentException naming every value out of its range */
        public LogConfig build() {
            List<String> problems = new ArrayList<>();
            if (maxFiles < 1 || maxFiles > MAX_FILES_LIMIT) {
                problems.add("maxFiles must be between 1 and " + MAX_FILES_LIMIT + ", got " + maxFiles);
            }
            if (maxFileSizeBytes < 1 || maxFileSizeBytes > MAX_FILE_SIZE_MB_LIMIT * MIB) {
                problems.add("maxFileSize must be between 1 byte and " + MAX_FILE_SIZE_MB_LIMIT + " MiB");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            return new LogConfig(maxFiles, maxFileSizeBytes);
        }
    }
}
