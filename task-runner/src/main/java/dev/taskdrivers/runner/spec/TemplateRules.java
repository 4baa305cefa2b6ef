package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.template.TemplatePaths;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The rules of a task's templates taken together: each template's own, and one destination per file. */
final class TemplateRules {
    private TemplateRules() {}

    static void problems(List<TemplateSpec.Builder> templates, List<ValidationProblem> problems) {
        Map<Path, Integer> destinations = new HashMap<>();
        for (int i = 0; i < templates.size(); i++) {
            String path = "templates[" + i + "]";
            TemplateSpec.Builder t = templates.get(i);
            List<ValidationProblem> own = t.problems();
            JobRules.nested(own, path, problems);
            if (own.stream().noneMatch(p -> p.field().equals("destination"))) {
                Path destination = TemplatePaths.relative(t.destination()).orElse(null);
                Integer earlier = destination == null ? null : destinations.putIfAbsent(destination, i);
                if (earlier != null) {
                    problems.add(new ValidationProblem(
                            path + ".destination", "is also the destination of templates[" + earlier + "]"));
                }
            }
        }
    }
}
