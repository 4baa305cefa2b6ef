package dev.taskdrivers.exec.internal.cgroup;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The kill loop both cgroup versions share: stop the cgroup from forking, kill everything, wait for empty. */
abstract class AbstractTaskCgroup implements TaskCgroup {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractTaskCgroup.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    @Override
    public void killAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (pids().isEmpty()) {
            // its own cgroup.procs lists none, yet a child cgroup may hold processes: cgroup v2's recursive kill
            // reaches those (a no-op where there is none)
            killRest(deadline);
            return;
        }
        // frozen processes cannot fork, so one pass over cgroup.procs reaches every process; SIGKILL is
        // delivered when the cgroup thaws
        boolean frozen = freeze(deadline);
        try {
            killEach(pids());
        } finally {
            if (frozen) {
                thaw();
            }
        }
        killRest(deadline);
        Set<Long> left;
        while (!(left = pids()).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new DriverException(
                        ErrorCode.TIMEOUT,
                        true,
                        "cgroup " + path() + " still has processes " + left + " after " + timeout);
            }
            killEach(left);
            sleep();
        }
        LOG.debug("cgroup {} is empty", path());
    }

    /** Freezes the cgroup when the controller is there; whether it is frozen now. */
    protected abstract boolean freeze(long deadlineNanos);

    protected abstract void thaw();

    /** A version-specific way to kill the whole cgroup at once, if there is one. */
    protected void killRest(long deadlineNanos) {}

    static void killEach(Set<Long> pids) {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    static void sleep() {
        try {
            TimeUnit.NANOSECONDS.sleep(POLL_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DriverException.fatal(ErrorCode.INTERNAL, "interrupted while waiting for a cgroup", e);
        }
    }
}
