package dev.taskdrivers.docker.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How far a container's log has been collected, consistent with the files: every log line the engine returns with
 * a time stamp at or after {@code sinceSecond}, up to the first {@code skip}, is in the files, which held
 * {@code stdoutSize} bytes at {@code stdoutIndex} (and the same for stderr) right after.
 */
public record LogPosition(
        String containerId,
        long sinceSecond,
        long skip,
        int stdoutIndex,
        long stdoutSize,
        int stderrIndex,
        long stderrSize) {

    /** Written atomically (a temp file, then a rename). */
    public void write(Path file) throws IOException {
        String text = "container=" + containerId + "\nsince=" + sinceSecond + "\nskip=" + skip + "\nstdout="
                + stdoutIndex + ":" + stdoutSize + "\nstderr=" + stderrIndex + ":" + stderrSize + "\n";
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The position recorded for {@code containerId}; empty when there is none (or it is another container's). */
    public static Optional<LogPosition> read(Path file, String containerId) {
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            if (!containerId.equals(values.get("container"))) {
                return Optional.empty();
            }
            String since = values.get("since");
            String skip = values.get("skip");
            String stdout = values.get("stdout");
            String stderr = values.get("stderr");
            if (since == null || skip == null || stdout == null || stderr == null) {
                return Optional.empty(); // cut short: collected again from the start
            }
            String[] out = stdout.split(":");
            String[] err = stderr.split(":");
            return Optional.of(new LogPosition(
                    containerId,
                    Long.parseLong(since),
                    Long.parseLong(skip),
                    Integer.parseInt(out[0]),
                    Long.parseLong(out[1]),
                    Integer.parseInt(err[0]),
                    Long.parseLong(err[1])));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: collected again from the start
        }
    }
}
