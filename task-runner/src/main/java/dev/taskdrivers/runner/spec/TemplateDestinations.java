package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.interpolation.TaskInterpolation;
import dev.taskdrivers.runner.internal.paths.AllocSandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The destinations of a task's templates that hold variables, checked as they will be once interpolated, as
 * {@link ArtifactDestinations} does for artifacts: one that leads out of the task and alloc directories is refused by
 * validation, before anything runs. A variable without a value then is left to the render, which checks it again.
 */
final class TemplateDestinations {
    private TemplateDestinations() {}

    /** Problems under {@code templates[i].destination}, against the task's validation {@code environment}. */
    static List<ValidationProblem> problems(
            List<TemplateSpec.Builder> templates, TaskInterpolation interpolation, Map<String, String> environment) {
        List<ValidationProblem> problems = new ArrayList<>();
        for (int i = 0; i < templates.size(); i++) {
            String written = templates.get(i).destination();
            if (!AllocSandbox.withDirsRelative(written).contains("${")) {
                continue; // nothing to expand: the template's own rules checked it
            }
            String field = "templates[" + i + "].destination";
            String expanded = interpolation.destination(written, field, environment);
            if (expanded.contains("${")) {
                continue; // a variable without a value yet
            }
            if (AllocSandbox.relative(expanded).isEmpty()) {
                problems.add(new ValidationProblem(
                        field,
                        "must be a file inside the task directory or the allocation's alloc directory (../alloc/)"
                                + " once interpolated from \"" + written + "\", got \"" + expanded + "\""));
            }
        }
        return problems;
    }
}
