package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.internal.network.GroupNamespace;
import dev.taskdrivers.exec.internal.process.TaskDirCommand;
import dev.taskdrivers.exec.internal.process.TaskLogLimits;
import dev.taskdrivers.exec.internal.process.TaskWorkDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An exec task's {@code config} block.
 *
 * @param command the program (null when missing, with a problem), looked up inside the chroot (an absolute path, a name of a file in the task's
 *     {@code local/}, or a name on the task's PATH)
 * @param args its arguments, passed as they are (no shell)
 * @param pidMode {@code private} (default) or {@code host} pid namespace
 * @param ipcMode {@code private} (default) or {@code host} ipc namespace
 * @param pidsLimit the most processes and threads at once; 0 for no limit
 * @param logLimits the old {@code max_file_size} and {@code max_files} options, aliases of the task's logs block
 * @param workDir the working directory inside the chroot ({@code /} unless set)
 * @param capabilities the capabilities the task keeps (see {@link TaskCapabilities})
 * @param namespace the network namespace of the task's bridge group ({@code network_mode}, set by the group's
 *     network); empty for the host's network
 * @param portMap port label to the port inside the group's namespace its host port is forwarded to ({@code port_map},
 *     Nomad's {@code to}); only for a task in a bridge group
 * @param problems every problem found, with field names
 */
record IsolatedExecTaskConfig(
        @Nullable String command,
        List<String> args,
        NamespaceMode pidMode,
        NamespaceMode ipcMode,
        long pidsLimit,
        TaskLogLimits logLimits,
        String workDir,
        java.util.Set<String> capabilities,
        java.util.Optional<String> namespace,
        java.util.Map<String, Integer> portMap,
        List<ValidationProblem> problems) {

    static IsolatedExecTaskConfig read(TaskConfig task, IsolatedExecOptions options) {
        ConfigReader r = new ConfigReader(task.driverConfig(), "config");
        String command = r.requiredString("command");
        List<String> args = r.stringList("args");
        NamespaceMode pid = mode(r, "pid_mode");
        NamespaceMode ipc = mode(r, "ipc_mode");
        long pids = r.integer("pids_limit", options.defaultPidsLimit(), 0, 4_194_304);
        TaskLogLimits logLimits = TaskLogLimits.read(r);
        String workDirSetting = r.string("work_dir", "/");
        String workDir = TaskWorkDir.normalise(workDirSetting).orElseGet(() -> {
            r.problem(
                    "work_dir",
                    "must be an absolute path inside the chroot without '..', got \"" + workDirSetting + "\"");
            return workDirSetting;
        });
        java.util.Set<String> capabilities = TaskCapabilities.read(r, options.allowCaps());
        if (command != null && command.contains("\0")) {
            r.problem("command", "must not contain NUL characters");
        }
        java.util.Optional<String> namespace = GroupNamespace.read(r, task.id().allocId());
        java.util.Map<String, Integer> portMap = r.portMap("port_map");
        List<ValidationProblem> problems = new ArrayList<>(r.problems());
        return new IsolatedExecTaskConfig(
                command, args, pid, ipc, pids, logLimits, workDir, capabilities, namespace, portMap, problems);
    }

    private static NamespaceMode mode(ConfigReader r, String key) {
        String text = r.string(key, "private");
        return NamespaceMode.parse(text).orElseGet(() -> {
            r.problem(key, "must be \"private\" or \"host\", got \"" + text + "\"");
            return NamespaceMode.PRIVATE;
        });
    }

    /**
     * The argv inside the chroot. A bare command name that is a file in the task's {@code local/} runs as
     * {@code /local/NAME} (made executable when it is not), as Nomad looks there first; any other name is left to the
     * chroot's {@code PATH}.
     */
    List<String> argv(TaskDirs dirs) {
        String command = Objects.requireNonNull(this.command, "a config without problems has its command");
        List<String> argv = new ArrayList<>();
        Path local = dirs.localDir().resolve(command);
        if (!command.isEmpty() && !command.contains("/") && Files.isRegularFile(local)) {
            TaskDirCommand.ensureExecutable(local, dirs);
            argv.add(ChrootLayout.LOCAL + "/" + command);
        } else {
            argv.add(command);
        }
        argv.addAll(args);
        return argv;
    }
}
