package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The driver's side of bringing a task up: validation, the task directory, prestart, start, and on recovery
 * reattaching or finding a task started but never recorded. It holds no state; the supervisor decides what a result
 * means for the task.
 */
final class TaskStarter {
    private final RunnerContext ctx;
    private final AllocationDirectories directories;
    private final TaskSpec spec;
    private final TaskDirs dirs;
    private final TaskEvents events;
    private final TaskArtifacts artifacts;

    TaskStarter(RunnerContext ctx, AllocationDirectories directories, TaskSpec spec, TaskDirs dirs, TaskEvents events) {
        this.ctx = ctx;
        this.directories = directories;
        this.spec = spec;
        this.dirs = dirs;
        this.events = events;
        this.artifacts = new TaskArtifacts(ctx.artifacts(), spec.artifacts(), dirs, spec.name(), events);
    }

    /**
     * Validates (when asked), builds the task directory and runs the driver's prestart. Returns the prestart's result,
     * or empty when the task cannot be started (the event saying why was emitted); a failed prestart is thrown.
     * The config is built inside the driver calls, so a failure to build it counts as theirs. Artifacts are fetched
     * between the directory and the prestart; a failed one is thrown (its event was emitted).
     */
    Optional<PrestartResult> prepare(
            boolean validate,
            Supplier<TaskConfig> base,
            UnaryOperator<ArtifactSpec> artifactInterpolation,
            BooleanSupplier stopping) {
        Driver driver;
        try {
            driver =
                    Boundary.driver(spec.driver(), "create", () -> ctx.drivers().driver(spec.driver()));
            List<ValidationProblem> problems = validate
                    ? Boundary.driver(spec.driver(), "validate", () -> driver.validate(base.get()))
                    : List.of();
            if (!problems.isEmpty()) {
                events.emit(
                        TaskEventType.FAILED_VALIDATION,
                        problems.stream().map(ValidationProblem::toString).collect(Collectors.joining("; ")),
                        Map.of());
                return Optional.empty();
            }
        } catch (DriverException e) {
            events.emit(
                    TaskEventType.FAILED_VALIDATION,
                    Objects.requireNonNullElse(e.getMessage(), e.toString()),
                    Map.of());
            return Optional.empty();
        }
        events.emit(
                TaskEventType.TASK_SETUP,
                "Building Task Directory",
                Map.of("dir", dirs.taskDir().toString()));
        try {
            directories.create(dirs);
        } catch (IOException | RuntimeException e) {
            events.emit(
                    TaskEventType.SETUP_FAILURE,
                    "failed to build task directory " + dirs.taskDir() + ": " + e,
                    Map.of());
            return Optional.empty();
        }
        artifacts.fetch(artifactInterpolation, stopping);
        return Optional.of(
                Boundary.driver(spec.driver(), "prestart", () -> driver.prestart(base.get(), events::emitFromDriver)));
    }

    /** Starts the task; a driver that returns no handle failed. */
    StartResult start(TaskConfig config) {
        long began = System.nanoTime();
        boolean started = false;
        try {
            StartResult result = Boundary.driver(
                    spec.driver(),
                    "start",
                    () -> ctx.drivers().driver(spec.driver()).start(config, events::emitFromDriver));
            if (result == null || result.handle() == null) {
                throw Boundary.unexpected(spec.driver(), "start", new NullPointerException("no task handle"));
            }
            started = true;
            return result;
        } finally {
            events.startTimed(Duration.ofNanos(System.nanoTime() - began), started);
        }
    }

    /** Reattaches the task the state file recorded; empty (with a Failed Restoring Task event) when it cannot. */
    Optional<TaskHandle> reattach(TaskConfig config, HandleState saved) {
        try {
            TaskHandle h = Boundary.driver(
                    spec.driver(),
                    "recover",
                    () -> ctx.drivers().driver(spec.driver()).recover(config, saved, events::emitFromDriver));
            if (h == null) {
                throw Boundary.unexpected(spec.driver(), "recover", new NullPointerException("no task handle"));
            }
            return Optional.of(h);
        } catch (DriverException e) {
            events.emit(
                    TaskEventType.FAILED_RESTORING_TASK,
                    "failed to restore task: " + e.getMessage(),
                    Map.of("error_code", e.code().name()));
            return Optional.empty();
        }
    }

    /**
     * Asks the driver for a copy of this task it started but whose handle never reached the state file (the runner
     * died between the start and that write), so it is taken over instead of being started a second time. A driver
     * that fails to tell leaves the task to be started again, as one that cannot tell at all does.
     */
    Optional<TaskHandle> findUnrecorded(TaskConfig config) {
        try {
            Optional<TaskHandle> found = Boundary.driver(
                    spec.driver(),
                    "findUnrecorded",
                    () -> ctx.drivers().driver(spec.driver()).findUnrecorded(config, events::emitFromDriver));
            return found == null ? Optional.empty() : found;
        } catch (DriverException e) {
            events.emit(
                    TaskEventType.FAILED_RESTORING_TASK,
                    "cannot tell whether the task is still running from an" + " earlier start: " + e.getMessage()
                            + "; starting it again",
                    Map.of("error_code", e.code().name()));
            return Optional.empty();
        }
    }

    /** The state the driver keeps to reattach {@code h}. */
    HandleState handleState(TaskHandle h) {
        return Boundary.driver(spec.driver(), "state", h::state);
    }

    /** The future of {@code h}'s exit; a driver that has none failed. */
    CompletableFuture<ExitResult> exitFuture(TaskHandle h) {
        CompletableFuture<ExitResult> exit = Boundary.driver(spec.driver(), "exitFuture", h::exitFuture);
        if (exit == null) {
            throw Boundary.unexpected(spec.driver(), "exitFuture", new NullPointerException("no exit future"));
        }
        return exit;
    }
}
