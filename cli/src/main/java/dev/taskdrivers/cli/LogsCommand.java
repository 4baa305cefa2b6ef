package dev.taskdrivers.cli;

import dev.taskdrivers.api.LogStream;
import dev.taskdrivers.cli.internal.AllocationLookup;
import dev.taskdrivers.runner.LogOrigin;
import dev.taskdrivers.runner.TaskLogs;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code logs ALLOC TASK}: a task's stdout or stderr from its log files, as Nomad's {@code alloc logs}. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a task's stdout (or stderr) from its log files under the data directory, oldest first across"
                    + " their rotations. It only reads files, so it works while another process runs the job.",
            "Exit 0 once printed (with -f: when interrupted), 2 when the allocation or task is not found."
        })
final class LogsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ALLOC", description = "The allocation: its id, or its name JOB.GROUP[N].")
    String alloc;

    @Parameters(index = "1", paramLabel = "TASK", description = "The task's name.")
    String task;

    @Option(
            names = "--state-dir",
            required = true,
            paramLabel = "DIR",
            description = "The state directory the job runs with.")
    Path stateDir;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "The data directory the job runs with. Default: next to the state directory, as run does.")
    Path dataDir;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing what the task writes next, until interrupted.")
    boolean follow;

    @Option(names = "--stderr", description = "Print stderr instead of stdout.")
    boolean stderr;

    @Option(
            names = {"-n", "--lines"},
            paramLabel = "N",
            description = "Print only the last N lines.")
    Integer lines;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path state = stateDir.toAbsolutePath().normalize();
        Path data = dataDir != null
                ? dataDir.toAbsolutePath().normalize()
                : state.resolveSibling(state.getFileName() + "-data");
        AllocationLookup lookup = new AllocationLookup(state);
        Optional<String> allocId = lookup.find(alloc);
        if (allocId.isEmpty()) {
            err.println("no allocation " + alloc + " in " + state + " (allocations: " + lookup.names() + ")");
            return 2;
        }
        if (!lookup.tasks(allocId.get()).contains(task)) {
            err.println("allocation " + alloc + " has no task \"" + task + "\" (tasks: " + lookup.tasks(allocId.get())
                    + ")");
            return 2;
        }
        Path logs =
                data.resolve("alloc").resolve(allocId.get()).resolve("alloc").resolve("logs");
        TaskLogs taskLogs = TaskLogs.of(logs, task);
        LogStream stream = stderr ? LogStream.STDERR : LogStream.STDOUT;
        InputStream in = lines == null
                ? taskLogs.open(stream, LogOrigin.START, 0, follow)
                : taskLogs.lastLines(stream, Math.max(0, lines), follow);
        // a decoder that keeps state, so a character split between two reads comes out whole
        try (Reader text = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buffer = new char[16 * 1024];
            for (int n; (n = text.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        }
        return 0;
    }
}
