package dev.taskdrivers.exec.internal.raw;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.internal.network.GroupNamespace;
import dev.taskdrivers.exec.internal.process.TaskDirCommand;
import dev.taskdrivers.exec.internal.process.TaskLogLimits;
import dev.taskdrivers.exec.internal.process.TaskWorkDir;
import dev.taskdrivers.hostprocess.Executables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A raw_exec task's {@code config} block.
 *
 * @param command the program (null when missing, with a problem): an absolute path, a path relative to the task directory (contains '/'), or a name
 *     looked up in the task directory's {@code local/}, the task directory, then on the task's {@code PATH}
 * @param args its arguments, passed as they are (no shell)
 * @param logLimits the old {@code max_file_size} and {@code max_files} options, aliases of the task's logs block
 * @param workDir the working directory of the task and of commands executed in it; empty for the task directory
 * @param oomScoreAdj what the task's {@code oom_score_adj} is set to before its program runs; empty to leave it
 * @param namespace the network namespace of the task's bridge group ({@code network_mode}, set by the group's
 *     network); empty for the host's network
 * @param portMap port label to the port inside the group's namespace its host port is forwarded to ({@code port_map},
 *     Nomad's {@code to}); only for a task in a bridge group
 * @param problems every problem found, with field names
 */
record RawExecTaskConfig(
        @Nullable String command,
        List<String> args,
        TaskLogLimits logLimits,
        Optional<Path> workDir,
        OptionalInt oomScoreAdj,
        Optional<String> namespace,
        Map<String, Integer> portMap,
        List<ValidationProblem> problems) {
    /** The highest {@code oom_score_adj}: the task is the OOM killer's first pick. */
    static final int MAX_OOM_SCORE_ADJ = 1000;

    static RawExecTaskConfig read(TaskConfig task) {
        ConfigReader reader = new ConfigReader(task.driverConfig(), "config");
        String command = reader.requiredString("command");
        List<String> args = reader.stringList("args");
        TaskLogLimits logLimits = TaskLogLimits.read(reader);
        Optional<Path> workDir = Optional.ofNullable(reader.optionalString("work_dir"))
                .flatMap(dir -> {
                    Optional<String> normalised = TaskWorkDir.normalise(dir);
                    if (normalised.isEmpty()) {
                        reader.problem("work_dir", "must be an absolute path without '..', got \"" + dir + "\"");
                    }
                    return normalised.map(Path::of);
                });
        // Nomad's range: 0 (the default) to 1000; lowering it below the runner's would need privileges
        OptionalInt oomScoreAdj = reader.has("oom_score_adj")
                ? OptionalInt.of((int) reader.integer("oom_score_adj", 0, 0, MAX_OOM_SCORE_ADJ))
                : OptionalInt.empty();
        Optional<String> namespace = GroupNamespace.read(reader, task.id().allocId());
        Map<String, Integer> portMap = reader.portMap("port_map");
        return new RawExecTaskConfig(
                command, args, logLimits, workDir, oomScoreAdj, namespace, portMap, reader.problems());
    }

    /**
     * What this node lacks: an absolute {@code command} that is not an executable file here. A bare name or a
     * relative path is looked up at start instead: an artifact or template may still bring it into the task
     * directory.
     */
    List<ValidationProblem> nodeProblems(TaskConfig task) {
        if (command != null && command.startsWith("/") && resolve(command, task).isEmpty()) {
            return List.of(new ValidationProblem(
                    "config.command", "'" + command + "' is not an executable file on this node"));
        }
        return List.of();
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

    /** The working directory: {@code work_dir}, else the task directory. */
    Path workDir(TaskConfig task) {
        return workDir.orElse(task.dirs().taskDir());
    }

    /**
     * The full argv with the resolved program first, behind {@code choom} when the task sets its
     * {@code oom_score_adj}: choom writes it to its own {@code /proc/self/oom_score_adj}, then executes the program
     * in the same process.
     */
    List<String> argv(Path program, Optional<Path> choom) {
        List<String> argv = new ArrayList<>();
        if (oomScoreAdj.isPresent()) {
            argv.addAll(List.of(choom.orElseThrow().toString(), "-n", Integer.toString(oomScoreAdj.getAsInt()), "--"));
        }
        argv.add(program.toString());
        argv.addAll(args);
        return argv;
    }
}
