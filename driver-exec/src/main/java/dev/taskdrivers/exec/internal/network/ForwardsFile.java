package dev.taskdrivers.exec.internal.network;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The port forwards an allocation's namespace is to have, written before its iptables rules are made, so that a
 * runner finding the namespace again can add the rules an earlier one did not get to. Kept below {@code /run} as the
 * namespaces are: both are gone after a reboot. One line per forward: host address (empty for any), host port, port
 * inside, tab-separated.
 */
final class ForwardsFile {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardsFile.class);
    static final Path DIR = Path.of("/run/taskdrivers/group-networks");

    private ForwardsFile() {}

    static Path path(String name) {
        return DIR.resolve(name + ".forwards");
    }

    /** Records the forwards of namespace {@code name}, replacing what was recorded (atomically). */
    static void write(String name, List<PortForwards.Forward> forwards) {
        StringBuilder text = new StringBuilder();
        for (PortForwards.Forward f : forwards) {
            text.append(f.hostIp())
                    .append('\t')
                    .append(f.hostPort())
                    .append('\t')
                    .append(f.to())
                    .append('\n');
        }
        try {
            Files.createDirectories(DIR);
            Path temp = DIR.resolve(name + ".forwards.tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, path(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw DriverException.recoverable(
                    ErrorCode.EXTERNAL, "cannot record the port forwards of " + name + " in " + DIR, e);
        }
    }

    /** The forwards recorded for namespace {@code name}; empty when none are (a namespace made before they were). */
    static Optional<List<PortForwards.Forward>> read(String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path(name), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("cannot read the port forwards of {}: {}", name, e.toString());
            return Optional.empty();
        }
        List<PortForwards.Forward> forwards = new ArrayList<>();
        for (String line : lines) {
            String[] fields = line.split("\t", -1);
            try {
                forwards.add(
                        new PortForwards.Forward(fields[0], Integer.parseInt(fields[1]), Integer.parseInt(fields[2])));
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                LOG.warn("ignoring the port forwards of {}: {} has a bad line \"{}\"", name, path(name), line);
                return Optional.empty();
            }
        }
        return Optional.of(forwards);
    }

    /** Forgets the forwards of namespace {@code name}; none recorded is no error. */
    static void delete(String name) {
        try {
            Files.deleteIfExists(path(name));
        } catch (IOException e) {
            throw DriverException.recoverable(ErrorCode.EXTERNAL, "cannot delete " + path(name), e);
        }
    }
}
