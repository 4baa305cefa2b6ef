package dev.taskdrivers.exec.internal.process;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Users looked up recently. Validate, prestart and start each need the task's user, and every lookup runs
 * {@code getent} and {@code id}; a short expiry keeps that off the start path while changes to the host's users are
 * still seen soon. Failed lookups are not kept, so a user added to the host can be used at once.
 */
public final class TaskUserCache {
    /** How long a looked-up user is trusted. */
    static final Duration EXPIRY = Duration.ofSeconds(30);

    private final Function<String, TaskUser> lookup;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public TaskUserCache() {
        this(TaskUser::resolve, System::nanoTime);
    }

    TaskUserCache(Function<String, TaskUser> lookup, LongSupplier nanoClock) {
        this.lookup = lookup;
        this.nanoClock = nanoClock;
    }

    /** The user named {@code name}; throws what the lookup throws for an unknown user. */
    public TaskUser get(String name) {
        long now = nanoClock.getAsLong();
        Entry entry = entries.get(name);
        if (entry != null && now - entry.loadedAt < EXPIRY.toNanos()) {
            return entry.user;
        }
        TaskUser user = lookup.apply(name);
        entries.put(name, new Entry(user, now));
        return user;
    }

    private record Entry(TaskUser user, long loadedAt) {}
}
