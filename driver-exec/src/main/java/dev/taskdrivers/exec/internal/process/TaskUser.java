package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.hostprocess.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The host user a task runs as, resolved through the host's name service. Both exec drivers use it: exec switches to
 * it inside the chroot, raw_exec when the runner is root.
 *
 * @param name the name as configured
 * @param uid its user id
 * @param gid its primary group id
 * @param groups its supplementary group ids, the primary one included
 */
public record TaskUser(String name, int uid, int gid, List<Integer> groups) {
    /** Who tasks run as when they name no user. */
    public static final String DEFAULT = "nobody";

    public TaskUser {
        groups = List.copyOf(groups);
    }

    public boolean isRoot() {
        return uid == 0;
    }

    /** The effective uid of this JVM, from {@code /proc/self/status} ({@code Uid: real effective saved fs}); -1 when
     * unknown. */
    public static int runnerUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The argv prefix that runs the rest of an argv as this user with its groups: {@code setpriv} (util-linux) sets
     * them and executes the command in its own process.
     *
     * @throws IOException when {@code setpriv} is not installed
     */
    public List<String> switchingArgv() throws IOException {
        Path setpriv = Executables.resolve("setpriv", Executables.DEFAULT_PATH, null)
                .orElseThrow(() -> new IOException("cannot run as user " + name + ": setpriv (util-linux) not found on "
                        + Executables.DEFAULT_PATH));
        return List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid, "--groups=" + groupList(), "--");
    }

    /** The values to persist in a handle state; {@link #fromMap} reads them back. */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("user", name);
        map.put("uid", Integer.toString(uid));
        map.put("gid", Integer.toString(gid));
        map.put("groups", groupList());
        return map;
    }

    /**
     * Reads what {@link #toMap} wrote.
     *
     * @throws IllegalArgumentException naming the missing or malformed key
     */
    public static TaskUser fromMap(Map<String, String> map) {
        List<Integer> groups = new ArrayList<>();
        for (String g : value(map, "groups").split(",")) {
            groups.add(number(g, "groups"));
        }
        return new TaskUser(
                value(map, "user"), number(value(map, "uid"), "uid"), number(value(map, "gid"), "gid"), groups);
    }

    private static String value(Map<String, String> map, String key) {
        String value = map.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return value;
    }

    private static int number(String text, String key) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is not a number: " + text, e);
        }
    }

    /** The groups, comma-separated, as {@code chroot --groups} and {@code setpriv --groups} want them; never empty. */
    public String groupList() {
        List<String> ids = new ArrayList<>();
        groups.forEach(g -> ids.add(Integer.toString(g)));
        if (ids.isEmpty()) {
            ids.add(Integer.toString(gid));
        }
        return String.join(",", ids);
    }

    /** What is wrong with {@code name} as a user name on any host, or empty when it may name a user. */
    public static Optional<String> nameProblem(String name) {
        return name.isBlank() || name.startsWith("-") || name.contains(":")
                ? Optional.of("user '" + name + "' is not a valid user name")
                : Optional.empty();
    }

    /**
     * Looks a user up by name or numeric id.
     *
     * @throws DriverException with {@link ErrorCode#INVALID_CONFIG} naming the user when the host does not know it
     */
    public static TaskUser resolve(String name) {
        nameProblem(name).ifPresent(p -> {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, p);
        });
        String passwd = run("getent", "passwd", name);
        String[] fields = passwd.trim().split(":");
        if (passwd.isBlank() || fields.length < 4) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, "user '" + name + "' does not exist on this host");
        }
        List<Integer> groups = new ArrayList<>();
        for (String g : run("id", "-G", fields[0]).trim().split("\\s+")) {
            if (!g.isEmpty()) {
                groups.add(Integer.parseInt(g));
            }
        }
        return new TaskUser(name, Integer.parseInt(fields[2]), Integer.parseInt(fields[3]), groups);
    }

    private static String run(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw DriverException.fatal(ErrorCode.TIMEOUT, String.join(" ", argv) + " did not answer");
            }
            // getent exits 2 for an unknown key: the caller reports it by the empty answer
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw DriverException.fatal(
                    ErrorCode.DRIVER_UNAVAILABLE, "cannot run " + argv[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DriverException.fatal(ErrorCode.INTERNAL, "interrupted while looking up a user", e);
        }
    }
}
