package dev.taskdrivers.cli;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.TemplateOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Nomad's client {@code template} settings {@code wait} and {@code wait_bounds} as {@code run} options, read while
 * the command line is parsed: a malformed or inconsistent value is a usage error naming the option.
 */
final class TemplateWaitOptions {
    static final String WAIT = "--template-wait";
    static final String BOUNDS = "--template-wait-bounds";

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    private TemplateOptions options = TemplateOptions.DEFAULT;
    private @Nullable Duration waitMin;
    private @Nullable Duration waitMax;
    private @Nullable Duration boundsMin;
    private @Nullable Duration boundsMax;

    @Option(
            names = WAIT,
            paramLabel = "MIN:MAX",
            description = "The wait of templates without one of their own: a change is rendered once none came for"
                    + " MIN, at most MAX after the first (Nomad's client template.wait; default 5s:4m; 0:0 renders"
                    + " every change at once).")
    void wait(String value) {
        Duration[] pair = pair(WAIT, value, false);
        waitMin = pair[0];
        waitMax = pair[1];
        rebuild(WAIT + " " + value);
    }

    @Option(
            names = BOUNDS,
            paramLabel = "MIN:MAX",
            description = "The range a template's own wait is brought into (Nomad's client template.wait_bounds;"
                    + " none by default; either side may be left empty, as in 1s: for a lower bound only).")
    void bounds(String value) {
        Duration[] pair = pair(BOUNDS, value, true);
        boundsMin = pair[0];
        boundsMax = pair[1];
        rebuild(BOUNDS + " " + value);
    }

    /** The settings given, Nomad's defaults for the others. */
    TemplateOptions options() {
        return options;
    }

    private void rebuild(String given) {
        TemplateOptions.Builder b = TemplateOptions.builder();
        if (waitMin != null && waitMax != null) {
            b.wait(waitMin, waitMax);
        }
        b.waitBounds(boundsMin, boundsMax);
        try {
            options = b.build();
        } catch (ValidationException e) {
            throw usage(given + ": "
                    + e.problems().stream().map(ValidationProblem::toString).collect(Collectors.joining("; ")));
        }
    }

    /** MIN:MAX as Go durations; an empty side is null when {@code openSides}. */
    private @Nullable Duration[] pair(String option, String value, boolean openSides) {
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw usage(option + " " + value + ": expected MIN:MAX, as in 5s:4m");
        }
        return new @Nullable Duration[] {
            side(option, value, value.substring(0, colon), openSides),
            side(option, value, value.substring(colon + 1), openSides)
        };
    }

    private @Nullable Duration side(String option, String value, String text, boolean open) {
        if (open && text.isBlank()) {
            return null;
        }
        Optional<Duration> parsed = ConfigReader.parseDuration(text);
        if (parsed.isEmpty()) {
            throw usage(option + " " + value + ": \"" + text + "\" is not a duration like 5s or 4m");
        }
        return parsed.get();
    }

    private ParameterException usage(String message) {
        return new ParameterException(command.commandLine(), message);
    }
}
