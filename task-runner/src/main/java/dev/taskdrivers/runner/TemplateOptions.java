package dev.taskdrivers.runner;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The operator's settings for tasks' templates ({@link TaskRunner.Builder#templates}), as Nomad's client
 * {@code template} block has them: the {@code wait} a template without one of its own gets (Nomad's default: min 5
 * s, max 4 min) and the {@code wait_bounds} a template's own {@code wait} is brought into (none by default). A wait
 * applies to renders after the first: changes that come in a burst are rendered once, when none came for
 * {@code min} or {@code max} after the first of them.
 */
public final class TemplateOptions {
    /** Nomad's client default {@code wait.min}. */
    public static final Duration DEFAULT_WAIT_MIN = Duration.ofSeconds(5);
    /** Nomad's client default {@code wait.max}. */
    public static final Duration DEFAULT_WAIT_MAX = Duration.ofMinutes(4);

    /** Nomad's defaults: a wait of 5 s to 4 min, no bounds. */
    public static final TemplateOptions DEFAULT = builder().build();

    private final Duration waitMin;
    private final Duration waitMax;
    private final @Nullable Duration boundsMin;
    private final @Nullable Duration boundsMax;

    private TemplateOptions(Builder b) {
        this.waitMin = b.waitMin;
        this.waitMax = b.waitMax;
        this.boundsMin = b.boundsMin;
        this.boundsMax = b.boundsMax;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The quiet period of a template without a {@code wait} of its own; zero for none. */
    public Duration waitMin() {
        return waitMin;
    }

    /** The longest a template without a {@code wait} of its own waits for changes to stop. */
    public Duration waitMax() {
        return waitMax;
    }

    /** The least a template's own {@code wait} may have, for min and max; {@code null} for no lower bound. */
    public @Nullable Duration waitBoundsMin() {
        return boundsMin;
    }

    /** The most a template's own {@code wait} may have, for min and max; {@code null} for no upper bound. */
    public @Nullable Duration waitBoundsMax() {
        return boundsMax;
    }

    @Override
    public String toString() {
        return "TemplateOptions[wait=" + waitMin + ".." + waitMax + ", waitBounds=" + boundsMin + ".." + boundsMax
                + "]";
    }

    /** Starts from Nomad's defaults. */
    public static final class Builder {
        private Duration waitMin = DEFAULT_WAIT_MIN;
        private Duration waitMax = DEFAULT_WAIT_MAX;
        private @Nullable Duration boundsMin;
        private @Nullable Duration boundsMax;

        private Builder() {}

        /** The {@code wait} of templates without one of their own; {@code wait(ZERO, ZERO)} renders at once. */
        public Builder wait(Duration min, Duration max) {
            this.waitMin = Objects.requireNonNull(min, "min");
            this.waitMax = Objects.requireNonNull(max, "max");
            return this;
        }

        /**
         * The bounds a template's own {@code wait} is brought into: a min or max below {@code min} is raised to it, one
         * above {@code max} lowered to it. Either may be {@code null} for no bound on that side.
         */
        public Builder waitBounds(@Nullable Duration min, @Nullable Duration max) {
            this.boundsMin = min;
            this.boundsMax = max;
            return this;
        }

        /**
         * The options.
         *
         * @throws ValidationException naming every setting out of range
         */
        public TemplateOptions build() {
            List<ValidationProblem> problems = new ArrayList<>();
            if (waitMin.isNegative()) {
                problems.add(new ValidationProblem("wait.min", "must not be negative, got " + waitMin));
            }
            if (waitMax.compareTo(waitMin) < 0) {
                problems.add(new ValidationProblem(
                        "wait.max", "must not be below wait.min (" + waitMin + "), got " + waitMax));
            }
            if (boundsMin != null && boundsMin.isNegative()) {
                problems.add(new ValidationProblem("wait_bounds.min", "must not be negative, got " + boundsMin));
            }
            if (boundsMax != null && boundsMax.isNegative()) {
                problems.add(new ValidationProblem("wait_bounds.max", "must not be negative, got " + boundsMax));
            }
            if (boundsMin != null && boundsMax != null && boundsMax.compareTo(boundsMin) < 0) {
                problems.add(new ValidationProblem(
                        "wait_bounds.max", "must not be below wait_bounds.min (" + boundsMin + "), got " + boundsMax));
            }
            ValidationException.throwIfAny(problems);
            return new TemplateOptions(this);
        }
    }
}
