package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.spec.TemplateSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A template's change mode applied to its task through the supervisor's own paths: restart as a requested restart
 * (not counted against the restart policy), signal through the driver, script through the driver's exec. A task that
 * is not running is left alone: it reads the new file when it starts.
 */
final class TemplateChanges implements TaskTemplates.Actions {
    private static final Logger LOG = LoggerFactory.getLogger(TemplateChanges.class);

    private final TaskSupervisor task;

    TemplateChanges(TaskSupervisor task) {
        this.task = task;
    }

    /** The task's environment with its env templates' variables added (the task's own values win). */
    static Map<String, String> withTemplateEnv(Map<String, String> env, TaskTemplates templates) {
        Map<String, String> fromTemplates = templates.environment();
        if (fromTemplates.isEmpty()) {
            return env;
        }
        Map<String, String> all = new LinkedHashMap<>(fromTemplates);
        all.putAll(env);
        return all;
    }

    @Override
    public void restart(String reason) {
        try {
            task.restart(reason);
        } catch (IllegalStateException e) {
            LOG.debug("task {}: no restart for a template change: {}", task.id, e.getMessage());
        }
    }

    @Override
    public void signal(String signal) {
        try {
            task.signal(signal);
        } catch (IllegalStateException e) {
            LOG.debug("task {}: no signal for a template change: {}", task.id, e.getMessage());
        } catch (RuntimeException e) {
            task.emitTemplateEvent("Template failed to send signal " + signal + ": " + e.getMessage());
        }
    }

    @Override
    public void script(TemplateSpec.ChangeScript script) {
        List<String> argv = new java.util.ArrayList<>();
        argv.add(script.command());
        argv.addAll(script.args());
        String failure;
        try {
            ExecResult r = task.exec(ExecRequest.of(argv, script.timeout()));
            if (r.exitCode() == 0 && !r.timedOut()) {
                task.emitTemplateEvent("Template ran script " + script.command() + " with exit code 0");
                return;
            }
            failure = r.timedOut() ? "timed out after " + script.timeout() : "exited with code " + r.exitCode();
        } catch (IllegalStateException e) {
            LOG.debug("task {}: no script for a template change: {}", task.id, e.getMessage());
            return;
        } catch (RuntimeException e) {
            failure = "failed: " + e.getMessage();
        }
        String message = "Template script " + script.command() + " " + failure;
        if (script.failOnError()) {
            task.kill(TaskEvent.of(TaskEventType.TEMPLATE, message + "; killing the task", Map.of()));
        } else {
            task.emitTemplateEvent(message);
        }
    }
}
