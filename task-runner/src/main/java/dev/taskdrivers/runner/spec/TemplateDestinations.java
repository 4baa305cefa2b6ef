package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.interpolation.TaskInterpolation;
import dev.taskdrivers.runner.internal.paths.AllocSandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The destinations of a task's templates that hold variables, checked as they will be once interpolated, as
 * {@link ArtifactDestinations} does for artifacts: one that leads out of the task and alloc directories, or that
 * writes the file another template writes, is refused by validation, before anything runs. A variable without a value
 * then is left to the render, which checks it again.
 */
final class TemplateDestinations {
    private TemplateDestinations() {}

    /** Problems under {@code templates[i].destination}, against the task's validation {@code environment}. */
    static List<ValidationProblem> problems(
            List<TemplateSpec.Builder> templates, TaskInterpolation interpolation, Map<String, String> environment) {
        List<ValidationProblem> problems = new ArrayList<>();
        Map<Path, Written> files = new HashMap<>();
        for (int i = 0; i < templates.size(); i++) {
            String written = templates.get(i).destination();
            boolean variables = AllocSandbox.holdsVariables(written);
            String field = "templates[" + i + "].destination";
            String expanded = variables ? interpolation.destination(written, field, environment) : written;
            if (expanded.contains("${")) {
                continue; // a variable without a value yet
            }
            Optional<Path> file = AllocSandbox.relative(expanded);
            if (file.isEmpty()) {
                if (variables) { // one without variables was refused by the template's own rules
                    problems.add(new ValidationProblem(
                            field,
                            "must be a file inside the task directory or the allocation's alloc directory (../alloc/)"
                                    + " once interpolated from \"" + written + "\", got \"" + expanded + "\""));
                }
                continue;
            }
            Written earlier = files.putIfAbsent(file.get(), new Written(i, variables));
            // two without variables: the template rules reported them already
            if (earlier != null && (variables || earlier.variables())) {
                problems.add(new ValidationProblem(
                        field,
                        "is also the destination of templates[" + earlier.index() + "] once interpolated (\""
                                + file.get() + "\")"));
            }
        }
        return problems;
    }

    /** The template that writes a file first, and whether its destination holds variables. */
    private record Written(int index, boolean variables) {}
}
