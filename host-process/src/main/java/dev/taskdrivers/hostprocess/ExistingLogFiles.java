package dev.taskdrivers.hostprocess;

import dev.taskdrivers.api.LogStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one listing of a logs directory says about one task's logs: the highest index of each stream and whether a
 * rotation's copy was left. Both streams are read from the same listing, because a runner taking over thousands of
 * tasks opens every log at once.
 */
final class ExistingLogFiles {
    private static final Logger LOG = LoggerFactory.getLogger(ExistingLogFiles.class);
    private static final int MAX_INDEX_DIGITS = 9;

    private final Map<LogStream, Integer> highest = new EnumMap<>(LogStream.class);
    private final Set<LogStream> rotating = EnumSet.noneOf(LogStream.class);

    private ExistingLogFiles() {}

    static ExistingLogFiles list(Path logsDir, String taskName) {
        ExistingLogFiles found = new ExistingLogFiles();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(logsDir)) {
            for (Path p : files) {
                found.note(p.getFileName().toString(), taskName);
            }
        } catch (NoSuchFileException e) {
            // no log written yet
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", logsDir, e.toString());
        }
        return found;
    }

    /** The highest index with a file, 0 when there is none. */
    int highestIndex(LogStream stream) {
        return highest.getOrDefault(stream, 0);
    }

    /** Whether a rotation's copy ({@link LogStream#rotatingFile}) exists. */
    boolean rotating(LogStream stream) {
        return rotating.contains(stream);
    }

    private void note(String fileName, String taskName) {
        if (fileName.length() <= taskName.length() + 1
                || !fileName.startsWith(taskName)
                || fileName.charAt(taskName.length()) != '.') {
            return;
        }
        for (LogStream stream : LogStream.values()) {
            String suffix = stream.suffix();
            int at = taskName.length() + 1;
            if (!fileName.startsWith(suffix, at) || fileName.length() <= at + suffix.length() + 1) {
                continue;
            }
            int dot = at + suffix.length();
            if (fileName.charAt(dot) != '.') {
                continue;
            }
            String rest = fileName.substring(dot + 1);
            if (rest.equals("rotating")) {
                rotating.add(stream);
            } else if (isIndex(rest)) {
                highest.merge(stream, Integer.parseInt(rest), Math::max);
            }
        }
    }

    private static boolean isIndex(String s) {
        if (s.isEmpty() || s.length() > MAX_INDEX_DIGITS) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
