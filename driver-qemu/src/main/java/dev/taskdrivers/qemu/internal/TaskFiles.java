package dev.taskdrivers.qemu.internal;

import dev.taskdrivers.api.TaskId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The files the driver keeps for one task, in a short per-task directory so the monitor socket path stays within
 * the unix socket limit.
 *
 * @param dir the task's directory
 */
record TaskFiles(Path dir) {
    /** sun_path holds 108 bytes including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    static TaskFiles of(Path stateDir, TaskId id) {
        return new TaskFiles(stateDir.resolve(shortName(id)));
    }

    Path monitorSocket() {
        return dir.resolve("mon.sock");
    }

    /** The guest agent's socket; here rather than in the task directory, whose path may exceed the socket limit. */
    Path agentSocket() {
        return dir.resolve("qa.sock");
    }

    Path pidFile() {
        return dir.resolve("qemu.pid");
    }

    /** pid and start time of the running qemu, so cleanup can stop it even without a handle. */
    Path identityFile() {
        return dir.resolve("identity");
    }

    Path statusFile() {
        return dir.resolve("exit-status");
    }

    boolean socketPathFits() {
        return monitorSocket().toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES;
    }

    /** 12 hex characters of the task key's SHA-256: unique per task, short and safe in a path. */
    private static String shortName(TaskId id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.key().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
