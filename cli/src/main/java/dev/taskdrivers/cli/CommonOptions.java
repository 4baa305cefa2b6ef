package dev.taskdrivers.cli;

import dev.taskdrivers.runner.drivers.DriverRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options shared by the commands that load drivers. */
final class CommonOptions {
    @Option(
            names = "--driver-opt",
            paramLabel = "DRIVER.KEY=VALUE",
            description = {
                "An operator option of a driver, e.g. raw_exec.enabled=true (repeatable).",
                "Dots after the driver name nest: docker.image_gc.delay=5s sets the delay of docker's image_gc.",
                "true/false become booleans, whole numbers become numbers, anything else stays text."
            })
    List<String> driverOptions = List.of();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The options per driver, nested at each dot of the key; "true"/"false" become booleans and whole numbers
     * become numbers.
     *
     * @throws ParameterException naming the option when it is malformed or contradicts another one
     */
    Map<String, Map<String, Object>> parsedDriverOptions() {
        try {
            return DriverOptionParser.parse(driverOptions);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        }
    }

    /**
     * The drivers on the class path with these options.
     *
     * @throws ParameterException when an option names a driver that is not on the class path
     */
    DriverRegistry drivers(Path dataDir) {
        Map<String, Map<String, Object>> options = parsedDriverOptions();
        DriverRegistry drivers = DriverRegistry.load(
                Thread.currentThread().getContextClassLoader(), dataDir.resolve("drivers"), options);
        for (String name : options.keySet()) {
            if (!drivers.has(name)) {
                drivers.close();
                throw new ParameterException(
                        command.commandLine(), "--driver-opt " + name + ".*: " + drivers.unknownMessage(name));
            }
        }
        return drivers;
    }
}
