package dev.taskdrivers.runner.internal.template;

import dev.taskdrivers.templates.TemplateQuery;
import dev.taskdrivers.templates.TemplateQueryResult;
import java.io.IOException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** What a template reads while it renders, besides its text. */
public interface TemplateInputs {
    /** The query's current value; {@code null} while it is not known yet (the render is then incomplete). */
    @Nullable
    TemplateQueryResult lookup(TemplateQuery query);

    /** A variable of the task's environment; {@code null} when it has none. */
    @Nullable
    String env(String name);

    /** A file's content, for {@code file}; the path is the template's, the implementation decides where it may read. */
    String file(String path) throws IOException;

    Instant now();
}
