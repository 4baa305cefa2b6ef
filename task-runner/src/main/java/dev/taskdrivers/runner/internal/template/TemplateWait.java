package dev.taskdrivers.runner.internal.template;

import dev.taskdrivers.runner.TemplateOptions;
import dev.taskdrivers.runner.spec.TemplateSpec;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How long a template's render after a change waits: for {@code min} without another change, but no longer than
 * {@code max} after the first. A template's own {@code wait} is brought into the operator's bounds; one without gets
 * the operator's default wait, unbounded (as Nomad's client does).
 *
 * @param min the quiet period; zero renders at once (whatever {@code max})
 * @param max the longest wait after the first change of a burst, never below {@code min}
 */
public record TemplateWait(Duration min, Duration max) {
    public TemplateWait {
        if (max.compareTo(min) < 0) {
            max = min;
        }
    }

    /** The wait of {@code spec} on a runner with {@code options}. */
    public static TemplateWait of(TemplateSpec spec, TemplateOptions options) {
        Duration ownMin = spec.waitMin();
        if (ownMin == null) {
            return new TemplateWait(options.waitMin(), options.waitMax());
        }
        Duration writtenMax = spec.waitMax();
        Duration ownMax = writtenMax == null ? ownMin : writtenMax;
        return new TemplateWait(
                clamp(ownMin, options.waitBoundsMin(), options.waitBoundsMax()),
                clamp(ownMax, options.waitBoundsMin(), options.waitBoundsMax()));
    }

    /** Whether a change is rendered at once: no quiet period. */
    public boolean none() {
        return min.isZero();
    }

    private static Duration clamp(Duration value, @Nullable Duration low, @Nullable Duration high) {
        Duration v = value;
        if (low != null && v.compareTo(low) < 0) {
            v = low;
        }
        if (high != null && v.compareTo(high) > 0) {
            v = high;
        }
        return v;
    }
}
