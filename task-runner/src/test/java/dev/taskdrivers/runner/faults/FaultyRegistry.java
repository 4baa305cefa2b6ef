package dev.taskdrivers.runner.faults;

import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.services.TaskServices;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** An in-process registry that throws from the calls a test names, every time they are made. */
public final class FaultyRegistry implements ServiceRegistry {
    /** The registry calls that can fail. */
    public enum Call {
        REGISTER,
        REMOVE,
        RECOVERY_COMPLETE
    }

    public final InProcessServiceRegistry delegate = new InProcessServiceRegistry();
    private final Set<Call> failing = ConcurrentHashMap.newKeySet();

    public void fail(Call call) {
        failing.add(call);
    }

    public void heal() {
        failing.clear();
    }

    private void maybeThrow(Call call) {
        if (failing.contains(call)) {
            throw new IllegalStateException("registry refused " + call);
        }
    }

    @Override
    public void registerTask(TaskServices task) {
        maybeThrow(Call.REGISTER);
        delegate.registerTask(task);
    }

    @Override
    public void removeTask(TaskServices task) {
        maybeThrow(Call.REMOVE);
        delegate.removeTask(task);
    }

    @Override
    public void recoveryComplete() {
        maybeThrow(Call.RECOVERY_COMPLETE);
        delegate.recoveryComplete();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
