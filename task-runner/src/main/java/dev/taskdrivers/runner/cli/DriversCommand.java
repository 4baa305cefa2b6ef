package dev.taskdrivers.runner.cli;

import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code drivers}: every driver on the class path with its health and attributes. */
@Command(name = "drivers", mixinStandardHelpOptions = true,
        description = "Lists the drivers found, with health, description and attributes.")
final class DriversCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
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
            return 0;
        } finally {
            SpecReading.deleteQuietly(scratch);
        }
    }
}
