package dev.taskdrivers.runner;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The operator's settings for fetching tasks' artifacts ({@link TaskRunner.Builder#artifacts}), with Nomad's client
 * defaults: {@code http_read_timeout} 30 minutes, {@code http_max_size} and {@code decompression_size_limit} 100 GB,
 * {@code decompression_file_count_limit} 4096. Local files as sources are refused unless allowed here.
 */
public final class ArtifactOptions {
    /** Nomad's {@code http_max_size} and {@code decompression_size_limit}: 100 GB. */
    public static final long DEFAULT_SIZE_LIMIT = 100_000_000_000L;
    /** Nomad's {@code decompression_file_count_limit}. */
    public static final int DEFAULT_FILE_COUNT_LIMIT = 4096;
    /** Nomad's {@code http_read_timeout}. */
    public static final Duration DEFAULT_HTTP_READ_TIMEOUT = Duration.ofMinutes(30);

    /** Nomad's defaults, local files refused. */
    public static final ArtifactOptions DEFAULT = builder().build();

    private final boolean localFiles;
    private final long httpMaxSize;
    private final Duration httpReadTimeout;
    private final long decompressionSizeLimit;
    private final int decompressionFileCountLimit;
    private final int attempts;
    private final Duration retryDelay;
    private final int maxRedirects;

    private ArtifactOptions(Builder b) {
        this.localFiles = b.localFiles;
        this.httpMaxSize = b.httpMaxSize;
        this.httpReadTimeout = b.httpReadTimeout;
        this.decompressionSizeLimit = b.decompressionSizeLimit;
        this.decompressionFileCountLimit = b.decompressionFileCountLimit;
        this.attempts = b.attempts;
        this.retryDelay = b.retryDelay;
        this.maxRedirects = b.maxRedirects;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code file://} URLs and absolute paths may be sources; false unless set. */
    public boolean localFiles() {
        return localFiles;
    }

    /** The most bytes one download may have. */
    public long httpMaxSize() {
        return httpMaxSize;
    }

    /** How long one download may take, from the request to its last byte. */
    public Duration httpReadTimeout() {
        return httpReadTimeout;
    }

    /** The most bytes an archive may unpack to. */
    public long decompressionSizeLimit() {
        return decompressionSizeLimit;
    }

    /** The most entries (files, directories, links) an archive may hold. */
    public int decompressionFileCountLimit() {
        return decompressionFileCountLimit;
    }

    /** Tries per artifact and task start for transient failures (connection errors, 5xx, 429); 3 by default. */
    public int attempts() {
        return attempts;
    }

    /** The wait before the second try; doubled before each later one. 1 s by default. */
    public Duration retryDelay() {
        return retryDelay;
    }

    /** The most redirects one download follows; 10 by default. */
    public int maxRedirects() {
        return maxRedirects;
    }

    @Override
    public String toString() {
        return "ArtifactOptions[localFiles=" + localFiles + ", httpMaxSize=" + httpMaxSize + ", httpReadTimeout="
                + httpReadTimeout + ", decompressionSizeLimit=" + decompressionSizeLimit
                + ", decompressionFileCountLimit=" + decompressionFileCountLimit + ", attempts=" + attempts
                + ", retryDelay=" + retryDelay + ", maxRedirects=" + maxRedirects + "]";
    }

    /** Starts from Nomad's defaults. */
    public static final class Builder {
        private boolean localFiles;
        private long httpMaxSize = DEFAULT_SIZE_LIMIT;
        private Duration httpReadTimeout = DEFAULT_HTTP_READ_TIMEOUT;
        private long decompressionSizeLimit = DEFAULT_SIZE_LIMIT;
        private int decompressionFileCountLimit = DEFAULT_FILE_COUNT_LIMIT;
        private int attempts = 3;
        private Duration retryDelay = Duration.ofSeconds(1);
        private int maxRedirects = 10;

        private Builder() {}

        /** Lets tasks fetch local files ({@code file://} or an absolute path): they can read what the runner can. */
        public Builder localFiles(boolean allowed) {
            this.localFiles = allowed;
            return this;
        }

        public Builder httpMaxSize(long bytes) {
            this.httpMaxSize = bytes;
            return this;
        }

        public Builder httpReadTimeout(Duration value) {
            this.httpReadTimeout = Objects.requireNonNull(value, "httpReadTimeout");
            return this;
        }

        public Builder decompressionSizeLimit(long bytes) {
            this.decompressionSizeLimit = bytes;
            return this;
        }

        public Builder decompressionFileCountLimit(int entries) {
            this.decompressionFileCountLimit = entries;
            return this;
        }

        /** Tries for transient failures, at least 1, and the wait before the second (doubled after). */
        public Builder retries(int tries, Duration firstDelay) {
            this.attempts = tries;
            this.retryDelay = Objects.requireNonNull(firstDelay, "firstDelay");
            return this;
        }

        public Builder maxRedirects(int value) {
            this.maxRedirects = value;
            return this;
        }

        /**
         * The options.
         *
         * @throws ValidationException naming every setting out of range
         */
        public ArtifactOptions build() {
            List<ValidationProblem> problems = new ArrayList<>();
            if (httpMaxSize < 1) {
                problems.add(new ValidationProblem("http_max_size", "must be at least 1 byte, got " + httpMaxSize));
            }
            if (httpReadTimeout.isNegative() || httpReadTimeout.isZero()) {
                problems.add(new ValidationProblem("http_read_timeout", "must be longer than 0"));
            }
            if (decompressionSizeLimit < 1) {
                problems.add(new ValidationProblem(
                        "decompression_size_limit", "must be at least 1 byte, got " + decompressionSizeLimit));
            }
            if (decompressionFileCountLimit < 1) {
                problems.add(new ValidationProblem(
                        "decompression_file_count_limit", "must be at least 1, got " + decompressionFileCountLimit));
            }
            if (attempts < 1) {
                problems.add(new ValidationProblem("attempts", "must be at least 1, got " + attempts));
            }
            if (retryDelay.isNegative()) {
                problems.add(new ValidationProblem("retry_delay", "must not be negative"));
            }
            if (maxRedirects < 0) {
                problems.add(new ValidationProblem("max_redirects", "must not be negative"));
            }
            ValidationException.throwIfAny(problems);
            return new ArtifactOptions(this);
        }
    }
}
