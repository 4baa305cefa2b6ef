package dev.taskdrivers.exec.isolated;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host user a task runs as, resolved through the host's name service.
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

    /** The groups as {@code chroot --groups} wants them. */
    String groupList() {
        List<String> ids = new ArrayList<>();
        groups.forEach(g -> ids.add(Integer.toString(g)));
        if (ids.isEmpty()) {
            ids.add(Integer.toString(gid));
        }
        return String.join(",", ids);
    }

    /**
     * Looks a user up by name or numeric id.
     *
     * @throws DriverException with {@link ErrorCode#INVALID_CONFIG} naming the user when the host does not know it
     */
    public static TaskUser resolve(String name) {
        if (name.isBlank() || name.startsWith("-") || name.contains(":")) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, "user '" + name + "' is not a valid user name");
        }
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
            throw DriverException.fatal(ErrorCode.DRIVER_UNAVAILABLE, "cannot run " + argv[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DriverException.fatal(ErrorCode.INTERNAL, "interrupted while looking up a user", e);
        }
    }
}
