package dev.taskdrivers.runner.cli;

import dev.taskdrivers.runner.drivers.DriverRegistry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by the commands that load drivers. */
final class CommonOptions {
    @Option(names = "--driver-opt", paramLabel = "DRIVER.KEY=VALUE",
            description = "An operator option of a driver, e.g. raw_exec.enabled=true (repeatable).")
    List<String> driverOptions = List.of();

    /** The options per driver; "true"/"false" become booleans and whole numbers become numbers. */
    Map<String, Map<String, Object>> parsedDriverOptions() {
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        for (String option : driverOptions) {
            int dot = option.indexOf('.');
            int eq = option.indexOf('=');
            if (dot < 1 || eq < dot + 2) {
                throw new IllegalArgumentException("--driver-opt must look like DRIVER.KEY=VALUE, got '" + option + "'");
            }
            String value = option.substring(eq + 1);
            Object typed = value.equals("true") || value.equals("false") ? Boolean.valueOf(value)
                    : value.matches("-?\\d{1,18}") ? Long.valueOf(value) : value;
            result.computeIfAbsent(option.substring(0, dot), k -> new LinkedHashMap<>())
                    .put(option.substring(dot + 1, eq), typed);
        }
        return result;
    }

    DriverRegistry drivers(Path dataDir) {
        return DriverRegistry.load(Thread.currentThread().getContextClassLoader(), dataDir.resolve("drivers"),
                parsedDriverOptions());
    }
}
