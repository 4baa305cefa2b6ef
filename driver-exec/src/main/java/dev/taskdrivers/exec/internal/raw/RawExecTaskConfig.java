package dev.taskdrivers.exec.internal.raw;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.internal.process.TaskDirCommand;
import dev.taskdrivers.exec.internal.process.TaskLogLimits;
import dev.taskdrivers.hostprocess.Executables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A raw_exec task's {@code config} block.
 *
 * @param command the program: an absolute path, a path relative to the task directory (contains '/'), or a name
 *     looked up in the task directory's {@code local/}, the task directory, then on the task's {@code PATH}
 * @param args its arguments, passed as they are (no shell)
 * @param logLimits the old {@code max_file_size} and {@code max_files} options, aliases of the task's logs block
 * @param problems every problem found, with field names
 */
record RawExecTaskConfig(String command, List<String> args, TaskLogLimits logLimits, List<ValidationProblem> problems) {

    static RawExecTaskConfig read(TaskConfig task) {
        ConfigReader reader = new ConfigReader(task.driverConfig(), "config");
        String command = reader.requiredString("command");
        List<String> args = reader.stringList("args");
        TaskLogLimits logLimits = TaskLogLimits.read(reader);
        // a bare name is looked up at start: an artifact or template may still bring it into the task directory
        if (command != null && command.startsWith("/") && resolve(command, task).isEmpty()) {
            reader.problem("command", "'" + command + "' is not an executable file");
        }
        return new RawExecTaskConfig(command, args, logLimits, reader.problems());
    }

    /**
     * The program to run, resolved now (a relative path may have been created since validation). A bare name is
     * looked up as Nomad does: in the task directory's {@code local/}, then the task directory, then on
     * {@code PATH}.
     */
    static Optional<Path> resolve(String command, TaskConfig task) {
        if (!command.isEmpty() && !command.contains("/")) {
            Optional<Path> inTaskDir = TaskDirCommand.find(command, task.dirs());
            if (inTaskDir.isPresent()) {
                return inTaskDir;
            }
        }
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
