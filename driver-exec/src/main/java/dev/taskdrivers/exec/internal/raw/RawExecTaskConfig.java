package dev.taskdrivers.exec.internal.raw;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.hostprocess.Executables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A raw_exec task's {@code config} block.
 *
 * @param command the program: an absolute path, a path relative to the task directory (contains '/'), or a name
 *        looked up on the task's {@code PATH}
 * @param args its arguments, passed as they are (no shell)
 * @param maxFileSizeMb size in MiB at which a log file is rotated
 * @param maxFiles how many files of each log (stdout, stderr) are kept
 * @param problems every problem found, with field names
 */
record RawExecTaskConfig(
        String command, List<String> args, long maxFileSizeMb, int maxFiles, List<ValidationProblem> problems) {

    static final long DEFAULT_MAX_FILE_SIZE_MB = 10;
    static final int DEFAULT_MAX_FILES = 10;

    static RawExecTaskConfig read(TaskConfig task) {
        ConfigReader reader = new ConfigReader(task.driverConfig(), "config");
        String command = reader.requiredString("command");
        List<String> args = reader.stringList("args");
        long maxFileSize = reader.integer("max_file_size", DEFAULT_MAX_FILE_SIZE_MB, 1, 1024 * 1024);
        long maxFiles = reader.integer("max_files", DEFAULT_MAX_FILES, 1, 1000);
        if (command != null
                && !command.isBlank()
                && !command.contains("/")
                && resolve(command, task).isEmpty()) {
            reader.problem(
                    "command", "'" + command + "' is not an executable found on PATH (" + searchPath(task) + ")");
        } else if (command != null
                && command.startsWith("/")
                && resolve(command, task).isEmpty()) {
            reader.problem("command", "'" + command + "' is not an executable file");
        }
        return new RawExecTaskConfig(command, args, maxFileSize, (int) maxFiles, reader.problems());
    }

    /**
     * Only the log limits, for a task that runs already: its command is not looked up again (a reattach after a
     * crash does this for every task). A limit that is invalid reads as its default, as for a task with problems.
     */
    static RawExecTaskConfig logLimits(TaskConfig task) {
        ConfigReader reader = new ConfigReader(task.driverConfig(), "config");
        long maxFileSize = reader.integer("max_file_size", DEFAULT_MAX_FILE_SIZE_MB, 1, 1024 * 1024);
        long maxFiles = reader.integer("max_files", DEFAULT_MAX_FILES, 1, 1000);
        return reader.problems().isEmpty()
                ? new RawExecTaskConfig(null, List.of(), maxFileSize, (int) maxFiles, List.of())
                : new RawExecTaskConfig(null, List.of(), DEFAULT_MAX_FILE_SIZE_MB, DEFAULT_MAX_FILES, List.of());
    }

    /** The program to run, resolved now (a relative path may have been created since validation). */
    static Optional<Path> resolve(String command, TaskConfig task) {
        return Executables.resolve(command, searchPath(task), task.dirs().taskDir());
    }

    static String searchPath(TaskConfig task) {
        return task.env().getOrDefault("PATH", Executables.DEFAULT_PATH);
    }

    /** The full argv with the resolved program first. */
    List<String> argv(Path program) {
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(args);
        return argv;
    }
}
