package dev.taskdrivers.cli;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.NodeInfo;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.JobValidator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code validate SPEC}: checks a spec without running it. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Checks a job spec: every problem is listed with its path. Exit 0 when valid, 2 when not.",
            "What this node lacks for a valid job (a driver not on the class path, an absolute raw_exec command,"
                    + " a QEMU emulator or choom not installed, KVM that does not run guests, a task user the host"
                    + " does not have, a node attribute, node meta key or volume the node does not have, more cores"
                    + " than the runner may use) is printed as 'warning: this node: PATH: PROBLEM', as Nomad's"
                    + " validate does not look at a node: run refuses it here."
        })
final class ValidateCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "SPEC",
            description = "The job spec: the SDK's JSON, a Nomad HCL job file or Nomad's API JSON.")
    Path specFile;

    @Mixin
    CommonOptions common;

    @Mixin
    VariableOptions variables;

    @Mixin
    NodeOptions node;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        var values = variables.variables();
        NodeInfo nodeInfo = node.node();
        Path scratch = Files.createTempDirectory("taskdrivers-validate");
        try (DriverRegistry drivers = common.drivers(scratch)) {
            List<ValidationProblem> nodeProblems = new ArrayList<>();
            JobSpec job = SpecReading.readJob(
                    specFile,
                    new JobValidator(drivers, null, JobValidator.DEFAULT_HOST_IP, nodeInfo),
                    values,
                    err,
                    nodeProblems);
            int tasks = job.groups().stream().mapToInt(g -> g.tasks().size()).sum();
            out.printf(
                    "%s is valid: job %s, %d group(s), %d task(s)%s%n",
                    specFile,
                    job.name(),
                    job.groups().size(),
                    tasks,
                    nodeProblems.isEmpty()
                            ? ""
                            : "; this node cannot run it as it is (" + nodeProblems.size()
                                    + " warning(s) of this node: run refuses them here)");
            return 0;
        } catch (ValidationException e) {
            SpecReading.printProblems(err, specFile, e);
            return 2;
        } catch (SpecReading.UnreadableSpecException e) {
            err.println(e.getMessage());
            return 2;
        } finally {
            SpecReading.deleteQuietly(scratch);
        }
    }
}
