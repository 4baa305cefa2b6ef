package dev.taskdrivers.exec.internal.network;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The host-wide lock every change to the group networks is made under, so runners of one host (and the threads of
 * one) never take the same address: a lock file, locked per process, and a lock the threads of this process take
 * turns on before that.
 */
final class HostLock {
    private static final Path LOCK_FILE = Path.of("/run/taskdrivers/group-networks.lock");
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private HostLock() {}

    /** Runs {@code action} holding the host-wide lock. */
    static <T> T locked(Supplier<T> action) {
        IN_PROCESS.lock();
        try {
            Files.createDirectories(LOCK_FILE.getParent());
            try (FileChannel channel =
                            FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                return action.get();
            }
        } catch (IOException e) {
            throw DriverException.fatal(
                    ErrorCode.DRIVER_UNAVAILABLE,
                    "group networks need root: cannot lock " + LOCK_FILE + ": " + e.getMessage(),
                    e);
        } finally {
            IN_PROCESS.unlock();
        }
    }
}
