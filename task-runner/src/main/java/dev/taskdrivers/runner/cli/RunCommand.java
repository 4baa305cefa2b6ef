package dev.taskdrivers.runner.cli;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.services.ServiceRegistries;
import dev.taskdrivers.runner.services.ServiceRegistry;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.JobValidator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code run SPEC}: runs every task of a job, prints events as they happen, exits with the tasks' outcome. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs every task of a job and prints events as they happen.",
            "SIGINT/SIGTERM stop the tasks gracefully (kill signal, kill timeout, then force).",
            "Exit 0 when every task succeeded, 1 when any failed or the run was stopped, 2 for an invalid spec."})
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SPEC", description = "The job spec (JSON).")
    Path specFile;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where task state is kept; tasks an earlier run left there are recovered first."
                    + " Default: a new temporary directory.")
    Path stateDir;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where task directories and driver data live. Default: next to the state directory.")
    Path dataDir;

    @Option(names = "--registry", paramLabel = "NAME", defaultValue = InProcessServiceRegistry.NAME,
            description = "Where services are advertised: inprocess (default) or a provider on the class path,"
                    + " e.g. consul.")
    String registryName;

    @Option(names = "--registry-opt", paramLabel = "KEY=VALUE",
            description = "An option of the registry, e.g. address=http://127.0.0.1:8500 (repeatable).")
    Map<String, String> registryOptions = new LinkedHashMap<>();

    @Option(names = "--host-ip", paramLabel = "IP", defaultValue = "127.0.0.1",
            description = "The host address of task ports (default ${DEFAULT-VALUE}).")
    String hostIp;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path state = stateDir != null ? stateDir : Files.createTempDirectory("taskdrivers-run").resolve("state");
        Path data = dataDir != null ? dataDir : state.resolveSibling(state.getFileName() + "-data");
        ServiceRegistry registry;
        try {
            registry = ServiceRegistries.create(registryName, registryOptions,
                    Thread.currentThread().getContextClassLoader());
        } catch (IllegalArgumentException | DriverException e) {
            err.println("--registry " + registryName + ": " + e.getMessage());
            return 2;
        }
        EventPrinter printer = new EventPrinter(out);
        if (registry instanceof InProcessServiceRegistry inProcess) {
            inProcess.addListener(printer);
        }
        DriverRegistry drivers = common.drivers(data);
        try (TaskRunner runner = TaskRunner.builder().stateDir(state).dataDir(data).drivers(drivers)
                .serviceRegistry(registry).hostIp(hostIp).listener(printer).build()) {
            JobSpec job;
            try {
                job = SpecReading.read(specFile, new JobValidator(drivers, registry, hostIp));
            } catch (ValidationException e) {
                SpecReading.printProblems(err, specFile, e);
                return 2;
            } catch (SpecReading.UnreadableSpecException e) {
                err.println(e.getMessage());
                return 2;
            }
            List<AllocationHandle> allocs = new ArrayList<>();
            RecoveryReport recovered = runner.recover();
            recovered.unreadable().forEach(p -> err.println(p));
            if (!recovered.allocations().isEmpty()) {
                out.printf("recovered %d allocation(s) from %s: %d task(s) reattached, %d relaunched, %d finished%n",
                        recovered.allocations().size(), state, recovered.reattached(), recovered.relaunched(),
                        recovered.finished());
                allocs.addAll(recovered.allocations());
            }
            out.printf("running job %s (state in %s)%n", job.name(), state);
            out.flush();
            allocs.addAll(runner.submit(job));
            AtomicBoolean interrupted = new AtomicBoolean();
            Thread hook = new Thread(() -> stopOnSignal(runner, job, interrupted, printer), "taskdrivers-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            CompletableFuture.allOf(allocs.stream().map(AllocationHandle::completion)
                    .toArray(CompletableFuture[]::new)).join();
            if (!interrupted.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            printer.flush();
            return summarize(out, allocs, interrupted.get());
        } finally {
            registry.close();
            printer.close();
        }
    }

    private static void stopOnSignal(TaskRunner runner, JobSpec job, AtomicBoolean interrupted, EventPrinter printer) {
        interrupted.set(true);
        printer.notice("Stopping", "signal received: stopping every task");
        Duration longestKill = job.groups().stream().flatMap(g -> g.tasks().stream())
                .map(t -> t.killTimeout()).max(Duration::compareTo).orElse(Duration.ZERO);
        try {
            if (!runner.stopAll(longestKill.plusSeconds(10))) {
                printer.notice("Stopping", "some tasks did not stop in time");
            }
            printer.flush(); // the JVM halts when this hook returns: the stop's events must be out by then
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int summarize(PrintWriter out, List<AllocationHandle> allocs, boolean interrupted) {
        boolean anyFailed = false;
        out.println();
        for (AllocationHandle alloc : allocs) {
            AllocationStatus status = alloc.status();
            for (TaskStatus t : status.tasks().values()) {
                anyFailed |= t.failed();
                out.printf("%s %s: %s%s%n", status.allocName(), t.id().taskName(),
                        t.failed() ? "failed" : "succeeded", t.lastExit().map(RunCommand::describe).orElse(""));
            }
        }
        int code = anyFailed || interrupted ? 1 : 0;
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
}
