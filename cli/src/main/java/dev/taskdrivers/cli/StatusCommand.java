package dev.taskdrivers.cli;

import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.AllocationUsage;
import dev.taskdrivers.runner.StateDirectory;
import dev.taskdrivers.runner.TaskStatus;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code status --state-dir DIR}: the allocations a state directory holds, read while another process runs them. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the allocations of a state directory: each task's state, driver, restarts and last exit, its"
                    + " granted host ports and driver network, and its resource usage. Reads only the files there,"
                    + " so it works while another process (run --state-dir) runs the job, and after it ended.",
            "States, ports and networks are as the running process last wrote them (on every state change). Usage"
                    + " (cpu percent and MHz, memory rss/cache/swap, next to the task's limits) is the latest"
                    + " snapshot that process took: run keeps one every --usage-interval seconds (default 10) while a"
                    + " task runs; the line says when it was taken. Without a snapshot the usage line says so.",
            "Exit 0 when the directory was read (files that could not be read are listed on stderr), 2 when it does"
                    + " not exist."
        })
final class StatusCommand implements Callable<Integer> {
    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            required = true,
            description = "The state directory given to run --state-dir.")
    Path stateDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(stateDir)) {
            err.println("--state-dir " + stateDir + ": no such directory");
            return 2;
        }
        StateDirectory dir = StateDirectory.read(stateDir);
        dir.problems().forEach(err::println);
        if (dir.allocations().isEmpty()) {
            out.println("no allocations in " + stateDir.toAbsolutePath().normalize());
        }
        for (AllocationStatus alloc : dir.allocations()) {
            Optional<AllocationUsage> usage = dir.usage(alloc.allocId());
            out.println(UsageFormat.allocationLine(alloc));
            for (TaskStatus task : alloc.tasks().values()) {
                out.println("  " + UsageFormat.taskLine(task));
                out.println("    " + TaskDetails.describe(task));
                out.println("    "
                        + usage.map(u -> UsageFormat.taskUsage(u, task.id().taskName()))
                                .orElse("usage: no snapshot (run keeps one while a task runs)"));
            }
            usage.ifPresent(u -> out.println("  " + UsageFormat.total(u)));
        }
        out.flush();
        return 0;
    }
}
