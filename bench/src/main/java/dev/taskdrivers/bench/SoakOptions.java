package dev.taskdrivers.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The soak's command line: {@code --cycles N --work DIR --image REF --auth-config FILE --consul URL
 * --consul-token-file FILE --restart-command CMD}. The restart command is run as {@code CMD consul} and
 * {@code CMD docker} and must stop the service and bring it back.
 *
 * @param cycles how many start/stop cycles, at least 10 (both restarts happen during the cycles)
 * @param lanes how many cycles run at once
 * @param work a fresh directory for the runner's state and task directories; everything of the soak is below it
 * @param image the image the docker tasks run; removed by the driver's image removal when unused
 * @param authConfig a docker config.json with credentials for the image's registry
 * @param consul the Consul agent's HTTP address
 * @param consulTokenFile a file holding the Consul token
 * @param restartCommand the command that restarts a service
 */
public record SoakOptions(
        int cycles,
        int lanes,
        Path work,
        String image,
        @Nullable Path authConfig,
        URI consul,
        @Nullable Path consulTokenFile,
        List<String> restartCommand) {

    /** Reads the command line; every problem at once. */
    public static SoakOptions parse(String[] args) {
        List<String> problems = new ArrayList<>();
        int cycles = 1000;
        int lanes = 4;
        Path work = null;
        String image = null;
        Path auth = null;
        URI consul = URI.create("http://127.0.0.1:18500");
        Path token = null;
        List<String> restart = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                problems.add(flag + ": needs a value");
                break;
            }
            String value = args[++i];
            switch (flag) {
                case "--cycles" -> cycles = atLeast(flag, value, 10, problems);
                case "--lanes" -> lanes = atLeast(flag, value, 1, problems);
                case "--work" -> work = Path.of(value);
                case "--image" -> image = value;
                case "--auth-config" -> auth = Path.of(value);
                case "--consul" -> consul = URI.create(value);
                case "--consul-token-file" -> token = Path.of(value);
                case "--restart-command" -> restart = List.of(value.trim().split("\\s+"));
                default -> problems.add(flag + ": unknown option");
            }
        }
        if (work == null) {
            problems.add("--work: is required");
        }
        if (image == null) {
            problems.add("--image: is required");
        }
        if (restart == null) {
            problems.add("--restart-command: is required");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        // each is non-null here: a missing one is a problem above
        return new SoakOptions(
                cycles,
                lanes,
                Objects.requireNonNull(work, "work"),
                Objects.requireNonNull(image, "image"),
                auth,
                consul,
                token,
                Objects.requireNonNull(restart, "restart"));
    }

    private static int atLeast(String flag, String value, int min, List<String> problems) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(flag + ": must be a whole number of at least " + min + ", got \"" + value + "\"");
        return min;
    }
}
