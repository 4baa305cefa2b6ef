package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.hostprocess.ProcessIdentity;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A task started under a supervisor: everything needed to find it again, also from another JVM.
 *
 * @param stateDir the supervisor's files of this task
 * @param exitFile where the exit status appears once the task ended
 * @param task the task's leader process (its pid is also its process group and session id)
 * @param supervisor the supervisor shell waiting for it
 */
public record SupervisedTask(Path stateDir, Path exitFile, ProcessIdentity task, ProcessIdentity supervisor) {
    private static final String STATE_DIR = "state_dir";
    private static final String EXIT_FILE = "exit_file";
    private static final String PID = "pid";
    private static final String PID_START = "pid_start";
    private static final String SUPERVISOR_PID = "supervisor_pid";
    private static final String SUPERVISOR_START = "supervisor_start";

    public SupervisedTask {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(exitFile, "exitFile");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(supervisor, "supervisor");
    }

    /** The values to persist, e.g. in a handle state. */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(STATE_DIR, stateDir.toString());
        map.put(EXIT_FILE, exitFile.toString());
        map.put(PID, Long.toString(task.pid()));
        map.put(PID_START, Long.toString(task.startTicks()));
        map.put(SUPERVISOR_PID, Long.toString(supervisor.pid()));
        map.put(SUPERVISOR_START, Long.toString(supervisor.startTicks()));
        return map;
    }

    /**
     * Reads what {@link #toMap()} wrote.
     *
     * @throws IllegalArgumentException naming the missing or malformed key
     */
    public static SupervisedTask fromMap(Map<String, String> map) {
        return new SupervisedTask(
                Path.of(value(map, STATE_DIR)),
                Path.of(value(map, EXIT_FILE)),
                new ProcessIdentity(longValue(map, PID), longValue(map, PID_START)),
                new ProcessIdentity(longValue(map, SUPERVISOR_PID), longValue(map, SUPERVISOR_START)));
    }

    private static String value(Map<String, String> map, String key) {
        String value = map.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return value;
    }

    private static int intValue(Map<String, String> map, String key) {
        return (int) longValue(map, key);
    }

    private static long longValue(Map<String, String> map, String key) {
        try {
            return Long.parseLong(value(map, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is not a number: " + map.get(key), e);
        }
    }
}
