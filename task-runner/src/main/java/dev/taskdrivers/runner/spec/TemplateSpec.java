package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.paths.AllocSandbox;
import dev.taskdrivers.runner.internal.template.Template;
import dev.taskdrivers.runner.internal.template.TemplateException;
import dev.taskdrivers.runner.internal.template.TemplatePaths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A task's {@code template} block: a file rendered into the task directory before the task starts, from Go's
 * template language with consul-template's functions, and rendered again when the keys or services it reads change:
 * <pre>{@code
 * TemplateSpec.builder("local/app.conf")
 *         .data("port = {{ key \"app/port\" }}")
 *         .changeMode(TemplateSpec.ChangeMode.SIGNAL).changeSignal("SIGHUP")
 *         .build()
 * }</pre>
 * A built template has its text ({@code data}) or a {@code source} file, not both; a destination inside the task
 * directory or the allocation's {@code alloc/} one (one holding variables, e.g. {@code local/${NOMAD_TASK_NAME}.conf},
 * is checked once they are expanded with the task's environment); a change signal when it signals and a script when it runs one; octal perms; a wait whose min is not
 * above its max; and {@code data} that parses (an unknown function is refused with its line and column).
 */
public final class TemplateSpec {
    /** What happens to the running task when the file changes. */
    public enum ChangeMode {
        /** Restart it, without counting against its restart policy. */
        RESTART,
        /** Send it {@link #changeSignal()}. */
        SIGNAL,
        /** Nothing: the task reads the file when it wants. */
        NOOP,
        /** Run {@link #changeScript()} inside it. */
        SCRIPT;

        /** The name in job files, e.g. {@code restart}. */
        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The command {@link ChangeMode#SCRIPT} runs inside the task.
     *
     * @param command the program
     * @param args its arguments
     * @param timeout how long it may run
     * @param failOnError whether a failing script (non-zero exit, timeout) kills the task
     */
    public record ChangeScript(String command, List<String> args, Duration timeout, boolean failOnError) {
        public ChangeScript {
            Objects.requireNonNull(command, "command");
            args = List.copyOf(args);
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    public static final Duration DEFAULT_SPLAY = Duration.ofSeconds(5);
    public static final Duration DEFAULT_SCRIPT_TIMEOUT = Duration.ofSeconds(5);
    public static final String DEFAULT_PERMS = "0644";

    private static final Pattern SIGNAL = Pattern.compile("SIG[A-Z0-9]+");
    private static final Pattern PERMS = Pattern.compile("0?[0-7]{3}");

    private final @Nullable String data;
    private final @Nullable String source;
    private final String destination;
    private final ChangeMode changeMode;
    private final @Nullable String changeSignal;
    private final @Nullable ChangeScript changeScript;
    private final Duration splay;
    private final String perms;
    private final @Nullable Integer uid;
    private final @Nullable Integer gid;
    private final boolean env;
    private final String leftDelimiter;
    private final String rightDelimiter;
    private final boolean errorOnMissingKey;
    private final @Nullable Duration waitMin;
    private final @Nullable Duration waitMax;

    private TemplateSpec(Builder b) {
        this.data = b.data;
        this.source = b.source;
        this.destination = b.destination;
        this.changeMode = b.changeMode;
        this.changeSignal = b.changeSignal;
        this.changeScript = b.changeScript;
        this.splay = b.splay;
        this.perms = b.perms;
        this.uid = b.uid;
        this.gid = b.gid;
        this.env = b.env;
        this.leftDelimiter = b.leftDelimiter;
        this.rightDelimiter = b.rightDelimiter;
        this.errorOnMissingKey = b.errorOnMissingKey;
        this.waitMin = b.waitMin;
        this.waitMax = b.waitMax;
    }

    /**
     * A template rendered to {@code destination} (relative to the task directory, e.g. {@code local/app.conf}),
     * with Nomad's defaults: change mode restart, splay 5 s, perms 0644, delimiters {@code {{ }}}, no wait.
     */
    public static Builder builder(String destination) {
        return new Builder(destination);
    }

    public Builder toBuilder() {
        Builder b = new Builder(destination);
        b.data = data;
        b.source = source;
        b.changeMode = changeMode;
        b.changeSignal = changeSignal;
        b.changeScript = changeScript;
        b.splay = splay;
        b.perms = perms;
        b.uid = uid;
        b.gid = gid;
        b.env = env;
        b.leftDelimiter = leftDelimiter;
        b.rightDelimiter = rightDelimiter;
        b.errorOnMissingKey = errorOnMissingKey;
        b.waitMin = waitMin;
        b.waitMax = waitMax;
        return b;
    }

    /** The template's text; {@code null} when it is read from {@link #source()}. */
    public @Nullable String data() {
        return data;
    }

    /** The file (relative to the task directory) holding the template; {@code null} when {@link #data()} is. */
    public @Nullable String source() {
        return source;
    }

    /** Where the rendered file goes, relative to the task directory. */
    public String destination() {
        return destination;
    }

    public ChangeMode changeMode() {
        return changeMode;
    }

    /** The signal of {@link ChangeMode#SIGNAL}, e.g. {@code SIGHUP}. */
    public @Nullable String changeSignal() {
        return changeSignal;
    }

    /** The script of {@link ChangeMode#SCRIPT}. */
    public @Nullable ChangeScript changeScript() {
        return changeScript;
    }

    /** The longest random wait before the change mode is applied, so many tasks do not restart at once. */
    public Duration splay() {
        return splay;
    }

    /** The file's permissions in octal, e.g. {@code 0644}. */
    public String perms() {
        return perms;
    }

    /** The file's owner; {@code null} leaves it to the runner's user. */
    public @Nullable Integer uid() {
        return uid;
    }

    public @Nullable Integer gid() {
        return gid;
    }

    /** Whether the rendered file ({@code KEY=value} lines) is added to the task's environment. */
    public boolean env() {
        return env;
    }

    public String leftDelimiter() {
        return leftDelimiter;
    }

    public String rightDelimiter() {
        return rightDelimiter;
    }

    /** Whether a missing map key fails the render instead of printing {@code <no value>}. */
    public boolean errorOnMissingKey() {
        return errorOnMissingKey;
    }

    /** How long changes must stop before a render; {@code null} renders at once. */
    public @Nullable Duration waitMin() {
        return waitMin;
    }

    /** The longest a render waits for changes to stop; {@code null} when {@link #waitMin()} is. */
    public @Nullable Duration waitMax() {
        return waitMax;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof TemplateSpec t
                && Objects.equals(data, t.data)
                && Objects.equals(source, t.source)
                && destination.equals(t.destination)
                && changeMode == t.changeMode
                && Objects.equals(changeSignal, t.changeSignal)
                && Objects.equals(changeScript, t.changeScript)
                && splay.equals(t.splay)
                && perms.equals(t.perms)
                && Objects.equals(uid, t.uid)
                && Objects.equals(gid, t.gid)
                && env == t.env
                && leftDelimiter.equals(t.leftDelimiter)
                && rightDelimiter.equals(t.rightDelimiter)
                && errorOnMissingKey == t.errorOnMissingKey
                && Objects.equals(waitMin, t.waitMin)
                && Objects.equals(waitMax, t.waitMax);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                data,
                source,
                destination,
                changeMode,
                changeSignal,
                changeScript,
                splay,
                perms,
                uid,
                gid,
                env,
                leftDelimiter,
                rightDelimiter,
                errorOnMissingKey,
                waitMin,
                waitMax);
    }

    /** Without the template's text, which may hold secrets once rendered by hand. */
    @Override
    public String toString() {
        return "TemplateSpec[destination=" + destination + ", changeMode=" + changeMode.specName() + "]";
    }

    /** Collects a template's values; {@link #build} refuses what no template may be, naming every field. */
    public static final class Builder {
        private @Nullable String data;
        private @Nullable String source;
        private final String destination;
        private ChangeMode changeMode = ChangeMode.RESTART;
        private @Nullable String changeSignal;
        private @Nullable ChangeScript changeScript;
        private Duration splay = DEFAULT_SPLAY;
        private String perms = DEFAULT_PERMS;
        private @Nullable Integer uid;
        private @Nullable Integer gid;
        private boolean env;
        private String leftDelimiter = "{{";
        private String rightDelimiter = "}}";
        private boolean errorOnMissingKey;
        private @Nullable Duration waitMin;
        private @Nullable Duration waitMax;

        private Builder(String destination) {
            this.destination = Objects.requireNonNull(destination, "destination");
        }

        public Builder data(String value) {
            this.data = Objects.requireNonNull(value, "data");
            return this;
        }

        public Builder source(String value) {
            this.source = Objects.requireNonNull(value, "source");
            return this;
        }

        public Builder changeMode(ChangeMode value) {
            this.changeMode = Objects.requireNonNull(value, "changeMode");
            return this;
        }

        public Builder changeSignal(String value) {
            this.changeSignal = Objects.requireNonNull(value, "changeSignal");
            return this;
        }

        public Builder changeScript(ChangeScript value) {
            this.changeScript = Objects.requireNonNull(value, "changeScript");
            return this;
        }

        public Builder splay(Duration value) {
            this.splay = Objects.requireNonNull(value, "splay");
            return this;
        }

        /** Octal, e.g. {@code 0600} or {@code 600}. */
        public Builder perms(String value) {
            this.perms = Objects.requireNonNull(value, "perms");
            return this;
        }

        public Builder uid(int value) {
            this.uid = value;
            return this;
        }

        public Builder gid(int value) {
            this.gid = value;
            return this;
        }

        public Builder env(boolean value) {
            this.env = value;
            return this;
        }

        public Builder delimiters(String left, String right) {
            this.leftDelimiter = Objects.requireNonNull(left, "left");
            this.rightDelimiter = Objects.requireNonNull(right, "right");
            return this;
        }

        public Builder errorOnMissingKey(boolean value) {
            this.errorOnMissingKey = value;
            return this;
        }

        /** Renders only once changes stopped for {@code min}, and at the latest {@code max} after the first. */
        public Builder waitBounds(Duration min, Duration max) {
            this.waitMin = Objects.requireNonNull(min, "min");
            this.waitMax = Objects.requireNonNull(max, "max");
            return this;
        }

        String destination() {
            return destination;
        }

        /** Every value {@link #build} would refuse, each under its field; empty when it builds. */
        public List<ValidationProblem> problems() {
            List<ValidationProblem> problems = new ArrayList<>();
            if (data == null && source == null) {
                problems.add(new ValidationProblem("data", "is required unless source is given"));
            } else if (data != null && source != null) {
                problems.add(new ValidationProblem("source", "cannot be given with data: give one of them"));
            }
            if (leftDelimiter.isEmpty()) {
                problems.add(new ValidationProblem("left_delimiter", "must not be empty"));
            }
            if (rightDelimiter.isEmpty()) {
                problems.add(new ValidationProblem("right_delimiter", "must not be empty"));
            }
            if (data != null && !leftDelimiter.isEmpty() && !rightDelimiter.isEmpty()) {
                try {
                    Template.parse(data, leftDelimiter, rightDelimiter);
                } catch (TemplateException e) {
                    problems.add(new ValidationProblem("data", String.valueOf(e.getMessage())));
                }
            }
            if (!AllocSandbox.holdsVariables(
                    destination)) { // else checked once expanded: by validation, and at the render
                insideTaskDir("destination", destination, problems);
            }
            if (source != null) {
                insideTaskDir("source", source, problems);
            }
            if (changeMode == ChangeMode.SIGNAL) {
                if (changeSignal == null) {
                    problems.add(new ValidationProblem("change_signal", "is required with change_mode \"signal\""));
                } else if (!SIGNAL.matcher(changeSignal).matches()) {
                    problems.add(new ValidationProblem(
                            "change_signal", "must be a signal name like SIGHUP, got \"" + changeSignal + "\""));
                }
            }
            if (changeMode == ChangeMode.SCRIPT) {
                if (changeScript == null) {
                    problems.add(new ValidationProblem("change_script", "is required with change_mode \"script\""));
                } else {
                    if (changeScript.command().isBlank()) {
                        problems.add(new ValidationProblem("change_script.command", "must not be empty"));
                    }
                    if (changeScript.timeout().isNegative()
                            || changeScript.timeout().isZero()) {
                        problems.add(new ValidationProblem("change_script.timeout", "must be above zero"));
                    }
                }
            }
            if (splay.isNegative()) {
                problems.add(new ValidationProblem("splay", "must not be negative"));
            }
            if (!PERMS.matcher(perms).matches()) {
                problems.add(new ValidationProblem("perms", "must be octal like \"0644\", got \"" + perms + "\""));
            }
            if (uid != null && uid < 0) {
                problems.add(new ValidationProblem("uid", "must not be negative"));
            }
            if (gid != null && gid < 0) {
                problems.add(new ValidationProblem("gid", "must not be negative"));
            }
            if (waitMin != null && waitMax != null) {
                if (waitMin.isNegative()) {
                    problems.add(new ValidationProblem("wait.min", "must not be negative"));
                }
                if (waitMax.compareTo(waitMin) < 0) {
                    problems.add(new ValidationProblem("wait.max", "must not be below wait.min"));
                }
            }
            return problems;
        }

        private static void insideTaskDir(String field, String path, List<ValidationProblem> problems) {
            if (path.isBlank()) {
                problems.add(new ValidationProblem(field, "is required"));
            } else if (TemplatePaths.relative(path).isEmpty()) {
                problems.add(new ValidationProblem(
                        field,
                        "must be a file inside the task directory or the allocation's alloc directory (../alloc/),"
                                + " relative to the task directory (${NOMAD_TASK_DIR}, ${NOMAD_SECRETS_DIR} and"
                                + " ${NOMAD_ALLOC_DIR} may start it), got \"" + path + "\""));
            }
        }

        /**
         * Builds the template.
         *
         * @throws ValidationException naming every field that breaks a rule
         */
        public TemplateSpec build() {
            ValidationException.throwIfAny(problems());
            return new TemplateSpec(this);
        }
    }
}
