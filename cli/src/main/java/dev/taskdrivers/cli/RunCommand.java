package dev.taskdrivers.cli;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.ArtifactOptions;
import dev.taskdrivers.runner.JobConflictException;
import dev.taskdrivers.runner.NodeInfo;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.services.ServiceRegistries;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.JobVariables;
import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.templates.TemplateDataSource;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code run SPEC}: runs every task of a job, prints events as they happen, exits with the tasks' outcome. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs every task of a job and prints events as they happen. After each Started event a"
                    + " Details line gives the task's host ports, driver network and allocation directory.",
            "With --state-dir, what an earlier run left there is recovered first. A job the directory already holds"
                    + " with the same spec is not started again: its tasks are taken over and awaited (a finished"
                    + " one reports how it ended). A changed spec of a job that still runs there is refused (exit 2)"
                    + " unless --replace is given.",
            "SIGINT/SIGTERM stop the tasks gracefully (kill signal, kill timeout, then force), close the service"
                    + " registry (services deregistered), print the summary and exit 1.",
            "Exit 0 when every task succeeded, 1 when any failed or the run was stopped, 2 for an invalid spec or"
                    + " command line or a refused change."
        })
final class RunCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "SPEC",
            description = "The job spec: the SDK's JSON, a Nomad HCL job file or Nomad's API JSON.")
    Path specFile;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "Where task state is kept; tasks an earlier run left there are recovered first."
                    + " Default: a new temporary directory.")
    Path stateDir;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where task directories and driver data live. Default: next to the state directory.")
    Path dataDir;

    @Option(
            names = "--replace",
            description = "When the state directory holds this job with a different spec and it still runs: stop"
                    + " its tasks and run the new spec (without it, such a run exits 2).")
    boolean replace;

    @Option(
            names = "--registry",
            paramLabel = "NAME",
            defaultValue = InProcessServiceRegistry.NAME,
            description = "Where services are advertised: inprocess (default) or a provider on the class path,"
                    + " e.g. consul. With consul, templates also read their keys and services from that agent"
                    + " (same address, token and TLS); otherwise they read an empty in-process store.")
    String registryName;

    @Option(
            names = "--registry-opt",
            paramLabel = "KEY=VALUE",
            description = "An option of the registry, e.g. address=http://127.0.0.1:8500 (repeatable).")
    Map<String, String> registryOptions = new LinkedHashMap<>();

    @Option(
            names = "--host-ip",
            paramLabel = "IP",
            defaultValue = "127.0.0.1",
            description = "The host address of task ports (default ${DEFAULT-VALUE}).")
    String hostIp;

    @Option(
            names = "--usage-interval",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "How often the tasks' resource usage is sampled and kept in the state directory for"
                    + " status (default ${DEFAULT-VALUE}; 0 keeps none).")
    int usageIntervalSeconds;

    @Option(
            names = "--artifact-local-files",
            description = "Let artifacts come from local files (file:///PATH or an absolute path), which a task"
                    + " could use to read whatever this process can read. Off by default.")
    boolean artifactLocalFiles;

    @Mixin
    CommonOptions common;

    @Mixin
    VariableOptions variables;

    @Mixin
    NodeOptions node;

    @Mixin
    TemplateWaitOptions templateWaits;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // read before anything starts: a malformed value or unreadable file is a usage error
        JobVariables values = variables.variables();
        NodeInfo nodeInfo = node.node();
        // made absolute once, here: task directories and the paths given to tasks must not depend on a working dir
        Path state = (stateDir != null
                        ? stateDir
                        : Files.createTempDirectory("taskdrivers-run").resolve("state"))
                .toAbsolutePath()
                .normalize();
        Path data = dataDir != null
                ? dataDir.toAbsolutePath().normalize()
                : state.resolveSibling(state.getFileName() + "-data");
        ServiceRegistry registry;
        try {
            registry = ServiceRegistries.create(
                    registryName, registryOptions, Thread.currentThread().getContextClassLoader());
        } catch (IllegalArgumentException | DriverException e) {
            err.println("--registry " + registryName + ": " + e.getMessage());
            return 2;
        }
        // the registry accepted these options, so the template source does too
        TemplateDataSource templates = TemplateSources.forRegistry(registryName, registryOptions);
        EventPrinter printer = new EventPrinter(out);
        try {
            if (registry instanceof InProcessServiceRegistry inProcess) {
                inProcess.addListener(printer);
            }
            Outcome outcome = runJob(state, data, values, nodeInfo, registry, templates, printer, out, err);
            if (outcome == null) {
                return 2;
            }
            // after the tasks stopped and before the JVM exits: the registry flushes the deregistrations it queued
            registry.close();
            if (outcome.stopSignal() != null) {
                printer.notice("Stopped", "every task stopped; " + registryName + " service registry closed");
            }
            printer.flush();
            return summarize(out, outcome);
        } finally {
            registry.close();
            templates.close();
            printer.close();
        }
    }

    /** Runs the job until its tasks end or a stop signal stopped them; null when refused (problem printed). */
    private @Nullable Outcome runJob(
            Path state,
            Path data,
            JobVariables values,
            NodeInfo nodeInfo,
            ServiceRegistry registry,
            TemplateDataSource templates,
            EventPrinter printer,
            PrintWriter out,
            PrintWriter err)
            throws InterruptedException {
        DriverRegistry drivers = common.drivers(data);
        try (TaskRunner runner = TaskRunner.builder()
                        .stateDir(state)
                        .dataDir(data)
                        .drivers(drivers)
                        .serviceRegistry(registry)
                        .templateData(templates)
                        .templates(templateWaits.options())
                        .artifacts(ArtifactOptions.builder()
                                .localFiles(artifactLocalFiles)
                                .build())
                        .hostIp(hostIp)
                        .node(nodeInfo)
                        .usageSnapshots(Duration.ofSeconds(Math.max(0, usageIntervalSeconds)))
                        .listener(printer)
                        .build();
                TaskDetails details = new TaskDetails(runner, printer)) {
            runner.addListener(details);
            runner.addNomadServiceListener(printer); // provider = "nomad" services and their checks
            // what an earlier run left is taken over before the spec is read and checked: both need the cpu, and the
            // tasks still running matter more than a large job's check
            RecoveryReport recovered = report(runner.recover(), state, details, out, err);
            JobSpec job;
            try {
                job = SpecReading.read(specFile, runner.validator(), values, err);
            } catch (ValidationException e) {
                SpecReading.printProblems(err, specFile, e);
                return null;
            } catch (SpecReading.UnreadableSpecException e) {
                err.println(e.getMessage());
                return null;
            }
            try (StopSignals signals = StopSignals.install()) {
                Thread hook = new Thread(() -> stopOnShutdown(runner, job, registry, printer), "taskdrivers-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    List<AllocationHandle> applied;
                    try {
                        applied = runner.apply(job, replace);
                    } catch (JobConflictException e) {
                        err.printf(
                                "job \"%s\" is already running in %s with a different spec (allocations %s);"
                                        + " run again with --replace to stop it and run this spec%n",
                                e.jobName(), state, e.runningAllocations());
                        err.flush();
                        return null;
                    }
                    announce(out, job, state, recovered, applied);
                    List<AllocationHandle> allocs = runner.allocations().stream()
                            .sorted(Comparator.comparing(AllocationHandle::name))
                            .toList();
                    CompletableFuture<Void> done = CompletableFuture.allOf(
                            allocs.stream().map(AllocationHandle::completion).toArray(CompletableFuture[]::new));
                    CompletableFuture.anyOf(done, signals.requested()).join();
                    String signal = signals.requested().getNow(null);
                    if (signal != null) {
                        stop(runner, job, printer, signal + " received");
                    }
                    return new Outcome(
                            allocs.stream().map(AllocationHandle::status).toList(), signal);
                } finally {
                    removeUnlessShuttingDown(hook);
                }
            }
        }
    }

    /** Says what the takeover of an earlier run's tasks found. */
    private static RecoveryReport report(
            RecoveryReport recovered, Path state, TaskDetails details, PrintWriter out, PrintWriter err) {
        recovered.unreadable().forEach(p -> err.println(p));
        if (!recovered.allocations().isEmpty()) {
            out.printf(
                    "recovered %d allocation(s) from %s: %d task(s) reattached, %d relaunched, %d finished%n",
                    recovered.allocations().size(),
                    state,
                    recovered.reattached(),
                    recovered.relaunched(),
                    recovered.finished());
            out.flush();
            details.printRunning(recovered.allocations());
        }
        return recovered;
    }

    /** Says whether the job runs now or was already there (recovered, same spec). */
    private static void announce(
            PrintWriter out, JobSpec job, Path state, RecoveryReport recovered, List<AllocationHandle> applied) {
        Set<String> recoveredIds =
                recovered.allocations().stream().map(AllocationHandle::id).collect(Collectors.toSet());
        if (!applied.isEmpty() && applied.stream().allMatch(a -> recoveredIds.contains(a.id()))) {
            out.printf("job %s is already in %s with the same spec: not started again%n", job.name(), state);
        } else {
            out.printf("running job %s (state in %s)%n", job.name(), state);
        }
        out.flush();
    }

    /** Stops every task gracefully and waits for it. */
    private static void stop(TaskRunner runner, JobSpec job, EventPrinter printer, String why)
            throws InterruptedException {
        printer.notice("Stopping", why + ": stopping every task");
        Duration longestKill = job.groups().stream()
                .flatMap(g -> g.tasks().stream())
                .map(t -> t.killTimeout())
                .max(Duration::compareTo)
                .orElse(Duration.ZERO);
        if (!runner.stopAll(longestKill.plusSeconds(10))) {
            printer.notice("Stopping", "some tasks did not stop in time");
        }
    }

    /**
     * When the JVM shuts down for another reason than SIGINT/SIGTERM (e.g. SIGHUP): the tasks are stopped all the
     * same, though the exit status is then the JVM's own.
     */
    private static void stopOnShutdown(TaskRunner runner, JobSpec job, ServiceRegistry registry, EventPrinter printer) {
        try {
            stop(runner, job, printer, "JVM shutting down");
            registry.close();
            printer.flush(); // the JVM halts when this hook returns: the stop's events must be out by then
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeUnlessShuttingDown(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and the hook is running: it stops the tasks
        }
    }

    private static int summarize(PrintWriter out, Outcome outcome) {
        boolean anyFailed = false;
        out.println();
        for (AllocationStatus status : outcome.statuses()) {
            for (TaskStatus t : status.tasks().values()) {
                boolean dead = t.state() == TaskState.DEAD;
                anyFailed |= t.failed() || !dead;
                String result = !dead
                        ? "still " + t.state().name().toLowerCase(Locale.ROOT)
                        : t.failed() ? "failed" : outcome.stopSignal() != null ? "stopped" : "succeeded";
                out.printf(
                        "%s %s: %s%s%n",
                        status.allocName(),
                        t.id().taskName(),
                        result,
                        t.lastExit().map(RunCommand::describe).orElse(""));
            }
            status.description().ifPresent(d -> out.printf("%s: %s%n", status.allocName(), d));
        }
        int code = anyFailed || outcome.stopSignal() != null ? 1 : 0;
        out.printf("exit code %d%n", code);
        out.flush();
        return code;
    }

    private static String describe(ExitResult r) {
        if (r.signal() != 0) {
            return " (killed by signal " + r.signal() + ")";
        }
        return " (exit code " + r.exitCode() + (r.error() != null ? ", " + r.error() : "") + ")";
    }

    /** How the run ended: the tasks' last status and the signal that stopped them, if one did. */
    private record Outcome(List<AllocationStatus> statuses, String stopSignal) {}
}
