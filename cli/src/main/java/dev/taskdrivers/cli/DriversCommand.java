package dev.taskdrivers.cli;

import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code drivers}: every driver on the class path with its health and attributes. */
@Command(
        name = "drivers",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the drivers found, with health, description and attributes.",
            "Exit 0 when every driver given a --driver-opt is healthy, 1 when one of them is not (unhealthy,"
                    + " undetected, or its options are invalid), 2 when an option is malformed or names a driver"
                    + " that is not on the class path. Drivers without options never change the exit code: a"
                    + " machine without docker still lists docker as undetected and exits 0."
        })
final class DriversCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path scratch = Files.createTempDirectory("taskdrivers-drivers");
        try (DriverRegistry drivers = common.drivers(scratch)) {
            Map<String, Fingerprint> prints = drivers.fingerprints();
            if (prints.isEmpty()) {
                out.println("no drivers found on the class path");
            }
            prints.forEach((name, f) -> {
                out.printf("%-10s %-10s %s%n", name, f.health().name().toLowerCase(Locale.ROOT), f.description());
                new TreeMap<>(f.attributes()).forEach((k, v) -> out.printf("           %s = %s%n", k, v));
            });
            out.flush();
            List<String> unhealthy = drivers.configured().stream()
                    .filter(n -> !prints.getOrDefault(n, Fingerprint.undetected("not fingerprinted"))
                            .isHealthy())
                    .toList();
            if (!unhealthy.isEmpty()) {
                err.println("not healthy although given options: " + String.join(", ", unhealthy));
                err.flush();
                return 1;
            }
            return 0;
        } finally {
            SpecReading.deleteQuietly(scratch);
        }
    }
}
