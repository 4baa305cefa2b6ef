package dev.taskdrivers.runner.internal.template;

import dev.taskdrivers.runner.internal.paths.AllocSandbox;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a template's destination or source is, relative to the task directory. {@code ${NOMAD_TASK_DIR}},
 * {@code ${NOMAD_SECRETS_DIR}} and {@code ${NOMAD_ALLOC_DIR}} (as job files write them) stand for the task's
 * {@code local} and {@code secrets} directories and the allocation's shared {@code alloc} directory; anything else
 * that leaves the task directory is refused (see {@link AllocSandbox}).
 */
public final class TemplatePaths {
    private TemplatePaths() {}

    /**
     * The path relative to the task directory, normalised; empty when it is absolute or leaves both the task
     * directory and the allocation's shared one.
     */
    public static Optional<Path> relative(String written) {
        return AllocSandbox.relative(written);
    }
}
