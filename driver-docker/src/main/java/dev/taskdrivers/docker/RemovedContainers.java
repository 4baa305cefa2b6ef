package dev.taskdrivers.docker;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The containers a task's stop removed and its cleanup has not yet been told about, so that cleanup asks the engine
 * neither to remove them again nor to look for another container by the task's name (both answered 404, which the
 * engine also logs as an error). Held in memory only: after a runner restart cleanup asks as before.
 */
final class RemovedContainers {
    private final Set<String> ids = ConcurrentHashMap.newKeySet();

    /** Notes that container {@code id} is gone. */
    void removed(String id) {
        ids.add(id);
    }

    /** Whether container {@code id} was removed by a stop; forgets it, since only one cleanup needs to know. */
    boolean take(String id) {
        return ids.remove(id);
    }
}
