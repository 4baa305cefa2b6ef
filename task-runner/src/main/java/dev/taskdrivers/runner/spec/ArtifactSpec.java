package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.Redaction;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.artifact.ArchiveFormat;
import dev.taskdrivers.runner.internal.artifact.ArtifactSource;
import dev.taskdrivers.runner.internal.artifact.Checksum;
import dev.taskdrivers.runner.internal.artifact.GitSource;
import dev.taskdrivers.runner.internal.paths.AllocSandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A file or archive fetched into the task's directory before the task starts, as Nomad's {@code artifact} block:
 * <pre>{@code
 * ArtifactSpec.builder("https://example.com/app.tar.gz")
 *         .destination("local/app")
 *         .checksum("sha256:9f86d0...")
 *         .build()
 * }</pre>
 * A built artifact has a source that is an http or https URL, a git repository ({@code git::URL} and the addresses
 * go-getter detects as git) or a local file, a destination relative to the task directory that stays inside it or the
 * allocation's shared {@code alloc} directory ({@code ../alloc/...}), and options limited to a well-formed
 * {@code checksum} and a known {@code archive} (for git: {@code ref}, {@code depth} and {@code sshkey}).
 * Text holding {@code ${...}} is checked once it has been interpolated, when the artifact is fetched; a destination
 * also by validation, against the task's variables. A leading {@code ${NOMAD_ALLOC_DIR}}, {@code ${NOMAD_TASK_DIR}}
 * or {@code ${NOMAD_SECRETS_DIR}} is no such text: it stands for that directory of the task.
 */
public final class ArtifactSpec {
    /** Where an artifact goes unless told: the task's {@code local} directory. */
    public static final String DEFAULT_DESTINATION = "local/";

    static final String CHECKSUM = "checksum";
    static final String ARCHIVE = "archive";
    private static final Set<String> OPTIONS = Set.of(CHECKSUM, ARCHIVE);

    /** How the destination is read, as Nomad's {@code mode}. */
    public enum Mode {
        /** A directory: an archive is unpacked into it, any other file is put in it under its own name. */
        ANY,
        /** The destination is the file itself. */
        FILE,
        /** A directory that an archive is unpacked into; a source that is no archive fails. */
        DIR;

        /** The name in the spec, e.g. {@code any}. */
        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The mode named {@code name} in the spec; empty when there is none. */
        public static Optional<Mode> fromSpecName(String name) {
            for (Mode m : values()) {
                if (m.specName().equals(name)) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }
    }

    private final String source;
    private final String destination;
    private final Mode mode;
    private final Map<String, String> options;
    private final Map<String, String> headers;

    private ArtifactSpec(Builder b) {
        this.source = b.source;
        this.destination = b.destination;
        this.mode = b.mode;
        this.options = Map.copyOf(b.options);
        this.headers = Map.copyOf(b.headers);
    }

    /** An artifact fetched from {@code source} into {@code local/}, mode any, no options or headers. */
    public static Builder builder(String source) {
        return new Builder(source);
    }

    /** An artifact fetched from {@code source} into {@code local/}. */
    public static ArtifactSpec of(String source) {
        return builder(source).build();
    }

    public Builder toBuilder() {
        return builder(source)
                .destination(destination)
                .mode(mode)
                .options(options)
                .headers(headers);
    }

    /** The URL or local file, as written (before interpolation). */
    public String source() {
        return source;
    }

    /** Where it goes, relative to the task directory; {@code local/} by default. */
    public String destination() {
        return destination;
    }

    public Mode mode() {
        return mode;
    }

    /** {@code checksum} and {@code archive} (git's {@code ref}, {@code depth}, {@code sshkey}), as written. */
    public Map<String, String> options() {
        return options;
    }

    /** HTTP headers sent with the request; their values may be credentials and are never shown. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The expected digest, {@code TYPE:HEX}, when one is set. */
    public Optional<String> checksum() {
        return Optional.ofNullable(options.get(CHECKSUM));
    }

    /** The {@code archive} option as written: a format name or {@code false}; empty to go by the file name. */
    public Optional<String> archive() {
        return Optional.ofNullable(options.get(ARCHIVE));
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ArtifactSpec a
                && source.equals(a.source)
                && destination.equals(a.destination)
                && mode == a.mode
                && options.equals(a.options)
                && headers.equals(a.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, destination, mode, options, headers);
    }

    @Override
    public String toString() {
        return "ArtifactSpec[source=" + ArtifactSource.display(source) + ", destination=" + destination + ", mode="
                + mode.specName() + ", options=" + new TreeMap<>(maskKey(options)) + ", headers="
                + new TreeMap<>(Redaction.redact(maskAll(headers))) + "]";
    }

    /** Options without git's ssh key. */
    private static Map<String, String> maskKey(Map<String, String> options) {
        Map<String, String> masked = new TreeMap<>(options);
        masked.computeIfPresent("sshkey", (k, v) -> Redaction.MASK);
        return masked;
    }

    private static Map<String, String> maskAll(Map<String, String> headers) {
        Map<String, String> masked = new TreeMap<>();
        headers.keySet().forEach(k -> masked.put(k, Redaction.MASK));
        return masked;
    }

    /** Collects an artifact's values; {@link #build} refuses what no artifact may be, naming each field. */
    public static final class Builder {
        private final String source;
        private String destination = DEFAULT_DESTINATION;
        private Mode mode = Mode.ANY;
        private Map<String, String> options = Map.of();
        private Map<String, String> headers = Map.of();

        private Builder(String source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        /**
         * Relative to the task directory, e.g. {@code local/app} or {@code ../alloc/shared} (the allocation's
         * directory, which the group's tasks share); {@link #DEFAULT_DESTINATION} unless set.
         */
        public Builder destination(String value) {
            this.destination = Objects.requireNonNull(value, "destination");
            return this;
        }

        /** {@link Mode#ANY} unless set. */
        public Builder mode(Mode value) {
            this.mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /**
         * Options as Nomad writes them: {@code checksum} ({@code sha256:HEX}) and {@code archive}; for a git source
         * {@code ref}, {@code depth} and {@code sshkey}.
         */
        public Builder options(Map<String, String> value) {
            this.options = Map.copyOf(value);
            return this;
        }

        /** Sets {@code options.checksum}, e.g. {@code sha256:9f86d0...}. */
        public Builder checksum(String value) {
            return option(CHECKSUM, value);
        }

        /** Sets {@code options.archive}: a format ({@code tar.gz}, {@code zip}, ...) or {@code false}. */
        public Builder archive(String value) {
            return option(ARCHIVE, value);
        }

        private Builder option(String key, String value) {
            Map<String, String> copy = new TreeMap<>(options);
            copy.put(key, Objects.requireNonNull(value, key));
            this.options = Map.copyOf(copy);
            return this;
        }

        /** HTTP headers sent with the request. */
        public Builder headers(Map<String, String> value) {
            this.headers = Map.copyOf(value);
            return this;
        }

        /** The destination as written. */
        String destination() {
            return destination;
        }

        /** Every value {@link #build} would refuse, each under its field; empty when it builds. */
        public List<ValidationProblem> problems() {
            List<ValidationProblem> problems = new ArrayList<>();
            boolean git = false;
            if (source.isBlank()) {
                problems.add(new ValidationProblem("source", "is required"));
            } else if (!interpolated(source)) {
                ArtifactSource.Parsed parsed = ArtifactSource.parse(source);
                if (!parsed.problem().isEmpty()) {
                    problems.add(new ValidationProblem("source", parsed.problem()));
                }
                git = parsed.source().filter(GitSource.class::isInstance).isPresent();
            }
            destinationProblem(destination).ifPresent(p -> problems.add(new ValidationProblem("destination", p)));
            if (mode == Mode.FILE
                    && (destination.endsWith("/")
                            || Path.of(destination).normalize().toString().isEmpty())) {
                problems.add(new ValidationProblem(
                        "destination",
                        "mode file needs the file's path, e.g. local/app.jar, got \"" + destination + "\""));
            }
            if (git && !headers.isEmpty()) {
                problems.add(new ValidationProblem(
                        "headers", "git sends no headers: put credentials in the URL's user info or use sshkey"));
            }
            if (git && mode == Mode.FILE) {
                problems.add(new ValidationProblem(
                        "mode", "mode file takes one file, and a git source is a directory: use mode dir or any"));
            }
            for (Map.Entry<String, String> o : new TreeMap<>(options).entrySet()) {
                String field = "options." + o.getKey();
                if (git) {
                    if (!interpolated(o.getValue())) {
                        GitSource.paramProblem(o.getKey(), o.getValue())
                                .ifPresent(p -> problems.add(new ValidationProblem(field, p)));
                    }
                } else if (GitSource.isParam(o.getKey())) {
                    if (!interpolated(source)) {
                        problems.add(new ValidationProblem(field, "applies to git sources only"));
                    }
                } else if (!OPTIONS.contains(o.getKey())) {
                    problems.add(
                            new ValidationProblem(
                                    field,
                                    "not supported: the options are checksum and archive (ref, depth and sshkey for git sources)"));
                } else if (o.getKey().equals(CHECKSUM) && !interpolated(o.getValue())) {
                    String problem = Checksum.parse(o.getValue()).problem();
                    if (!problem.isEmpty()) {
                        problems.add(new ValidationProblem(field, problem));
                    }
                } else if (o.getKey().equals(ARCHIVE)) {
                    archiveProblem(o.getValue()).ifPresent(p -> problems.add(new ValidationProblem(field, p)));
                }
            }
            for (String name : new TreeMap<>(headers).keySet()) {
                if (name.isBlank() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                    problems.add(new ValidationProblem("headers", "\"" + name + "\" is not a header name"));
                }
            }
            return problems;
        }

        private Optional<String> archiveProblem(String value) {
            if (value.equals("false")) {
                return Optional.empty();
            }
            Optional<ArchiveFormat> format = ArchiveFormat.named(value);
            if (format.isEmpty()) {
                return Optional.of("must be " + ArchiveFormat.NAMES + ", got \"" + value + "\"");
            }
            if (mode == Mode.FILE && format.get().holdsFiles()) {
                return Optional.of("mode file takes one file: a " + value
                        + " archive needs mode dir or any (or archive = false to keep it whole)");
            }
            return Optional.empty();
        }

        /**
         * The artifact.
         *
         * @throws ValidationException naming every field that breaks a rule
         */
        public ArtifactSpec build() {
            ValidationException.throwIfAny(problems());
            return new ArtifactSpec(this);
        }
    }

    /**
     * What is wrong with a destination as written; empty when it is relative and stays inside the task dir or the
     * allocation's shared one.
     */
    static Optional<String> destinationProblem(String destination) {
        if (destination.isBlank()) {
            return Optional.of("must not be empty: use " + DEFAULT_DESTINATION + " or another directory of the task");
        }
        if (AllocSandbox.holdsVariables(destination)) {
            return Optional.empty(); // checked once expanded: by validation against the task's variables, and fetched
        }
        if (destination.startsWith("/")) {
            return Optional.of("must be relative to the task directory, got \"" + destination + "\"");
        }
        if (AllocSandbox.relative(destination).isEmpty()) {
            return Optional.of("must stay inside the task directory or the allocation's alloc directory (../alloc/),"
                    + " got \"" + destination + "\"");
        }
        return Optional.empty();
    }

    private static boolean interpolated(String text) {
        return text.contains("${");
    }
}
