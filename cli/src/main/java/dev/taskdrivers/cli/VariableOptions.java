package dev.taskdrivers.cli;

import dev.taskdrivers.runner.spec.JobVariables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Nomad's {@code -var} and {@code -var-file} options, for the variable blocks of an HCL job file. */
final class VariableOptions {
    @Option(
            names = {"-var", "--var"},
            paramLabel = "NAME=VALUE",
            description = {
                "A value for a variable block of a Nomad HCL job file (repeatable); wins over -var-file and the"
                        + " variable's default.",
                "Converted to the variable's type as Nomad does: -var 'ports=[80, 443]' for a list."
            })
    List<String> values = List.of();

    @Option(
            names = {"-var-file", "--var-file"},
            paramLabel = "FILE",
            description = "A file of values for the job file's variables: HCL NAME = VALUE lines, or a JSON object"
                    + " {\"NAME\": VALUE, ...} when its name ends in .json (repeatable; a later file wins over an"
                    + " earlier one).")
    List<Path> files = List.of();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The values given, files read in order then {@code -var} values in order.
     *
     * @throws ParameterException naming the option when a value is not NAME=VALUE or a file cannot be read
     */
    JobVariables variables() {
        JobVariables variables = JobVariables.none();
        for (Path file : files) {
            try {
                variables = variables.file(file.toString(), Files.readString(file));
            } catch (IOException e) {
                throw new ParameterException(command.commandLine(), "-var-file " + file + ": cannot read it: " + e);
            }
        }
        for (String value : values) {
            KeyValue pair = KeyValue.parse(value)
                    .orElseThrow(() -> new ParameterException(
                            command.commandLine(),
                            "-var " + value + ": expected NAME=VALUE, as in -var 'image=redis:7'"));
            variables = variables.value(pair.key(), pair.value());
        }
        return variables;
    }
}
