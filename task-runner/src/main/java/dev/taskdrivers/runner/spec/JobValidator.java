package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks each task of a parsed job against its driver: unknown drivers and the drivers' own config problems. */
public final class JobValidator {
    private final DriverRegistry drivers;

    public JobValidator(DriverRegistry drivers) {
        this.drivers = drivers;
    }

    /** Parses and validates; throws one {@link ValidationException} with every problem. */
    public JobSpec parseAndValidate(SpecParser parser, String json) {
        JobSpec job = parser.parse(json);
        ValidationException.throwIfAny(problems(job));
        return job;
    }

    /** Every driver problem of the job, under {@code job.groups[i].tasks[j]}. */
    public List<ValidationProblem> problems(JobSpec job) {
        List<ValidationProblem> problems = new ArrayList<>();
        for (int i = 0; i < job.groups().size(); i++) {
            GroupSpec group = job.groups().get(i);
            for (int j = 0; j < group.tasks().size(); j++) {
                String path = "job.groups[" + i + "].tasks[" + j + "]";
                problems.addAll(problems(job, group, group.tasks().get(j), path));
            }
        }
        return problems;
    }

    /** The problems of one task, prefixed with {@code path}. */
    public List<ValidationProblem> problems(JobSpec job, GroupSpec group, TaskSpec task, String path) {
        if (!drivers.has(task.driver())) {
            return List.of(new ValidationProblem(path + ".driver", drivers.unknownMessage(task.driver())));
        }
        List<ValidationProblem> problems = new ArrayList<>();
        try {
            Driver driver = drivers.driver(task.driver());
            for (ValidationProblem p : driver.validate(sample(job, group, task))) {
                ValidationProblem underConfig = p.field().equals("config") || p.field().startsWith("config.")
                        || p.field().startsWith("config[") ? p : p.under("config");
                problems.add(underConfig.under(path));
            }
        } catch (DriverException e) {
            problems.add(new ValidationProblem(path + ".config", e.getMessage()));
        } catch (RuntimeException | Error e) { // a driver bug is reported like any other problem, not thrown
            problems.add(new ValidationProblem(path + ".config", "the " + task.driver()
                    + " driver failed while validating the task: " + e));
        }
        return problems;
    }

    /** A task config good enough for validate(): validate must not depend on directories or ports. */
    private static TaskConfig sample(JobSpec job, GroupSpec group, TaskSpec task) {
        TaskId id = new TaskId("validate", safe(job.name()), safe(group.name()), 0, safe(task.name()));
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "taskdrivers-validate");
        return new TaskConfig(id, task.config(), task.env(), new Resources(task.cpu(), task.memoryMb(), List.of()),
                TaskDirs.standard(root, id.taskName()), task.user(), task.killTimeout(), task.killSignal());
    }

    private static String safe(String name) {
        return TaskId.isSafe(name) ? name : "invalid";
    }
}
