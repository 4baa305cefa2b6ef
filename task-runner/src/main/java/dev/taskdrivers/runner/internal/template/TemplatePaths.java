package dev.taskdrivers.runner.internal.template;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where a template's destination or source is, relative to the task directory. {@code ${NOMAD_TASK_DIR}} and
 * {@code ${NOMAD_SECRETS_DIR}} (as job files write them) stand for the task's {@code local} and {@code secrets}
 * directories; anything that leaves the task directory, the allocation's shared one included, is refused.
 */
public final class TemplatePaths {
    private static final Map<String, String> DIRS = Map.of(
            "${NOMAD_TASK_DIR}", "local",
            "$NOMAD_TASK_DIR", "local",
            "${NOMAD_SECRETS_DIR}", "secrets",
            "$NOMAD_SECRETS_DIR", "secrets");

    private TemplatePaths() {}

    /** The path relative to the task directory, normalised; empty when it is absolute or leaves the directory. */
    public static Optional<Path> relative(String written) {
        String p = written;
        for (Map.Entry<String, String> e : DIRS.entrySet()) {
            if (p.startsWith(e.getKey())) {
                p = e.getValue() + p.substring(e.getKey().length());
                break;
            }
        }
        Path path;
        try {
            path = Path.of(p).normalize();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (path.isAbsolute() || path.startsWith("..") || path.toString().isEmpty() || p.contains("${")) {
            return Optional.empty();
        }
        return Optional.of(path);
    }
}
