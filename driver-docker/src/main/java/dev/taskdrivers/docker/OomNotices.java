package dev.taskdrivers.docker;

import dev.taskdrivers.api.ExitResult;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Decides whether an exit was an OOM kill when the container's state cannot say so yet.
 *
 * <p>The engine learns of an OOM kill and of the exit it causes as two separate notices. When the exit is handled
 * first, the container's state says {@code OOMKilled=false} for good and the {@code oom} event follows the
 * {@code die} event. So this remembers the {@code oom} events of watched containers, and those that were sent
 * SIGKILL through the engine (a stop or {@code docker kill}, never an OOM kill). An exit that looks like an OOM kill
 * (status 137 under a memory limit, no SIGKILL sent through the engine) is held until its {@code oom} event arrives,
 * for at most the grace period; then the engine's event log is asked once, in case the event came before the
 * container was watched.
 */
final class OomNotices {
    static final int SIGKILL_STATUS = 128 + 9;

    private final ScheduledExecutorService scheduler;
    private final Duration grace;
    private final Map<String, CompletableFuture<Boolean>> oom = new ConcurrentHashMap<>();
    private final Set<String> killedThroughEngine = ConcurrentHashMap.newKeySet();

    OomNotices(ScheduledExecutorService scheduler, Duration grace) {
        this.scheduler = scheduler;
        this.grace = grace;
    }

    void oomEvent(String id) {
        noticeOf(id).complete(true);
    }

    void sigkillSent(String id) {
        killedThroughEngine.add(id);
    }

    void forget(String id) {
        oom.remove(id);
        killedThroughEngine.remove(id);
    }

    /**
     * The exit of container {@code id} as reported: marked OOM-killed when the engine reports an OOM kill of it now
     * or within the grace period, or when {@code loggedEarlier} finds one in the engine's log after that.
     */
    CompletableFuture<ExitResult> settle(
            String id, ExitResult exit, boolean memoryLimited, Predicate<String> loggedEarlier) {
        CompletableFuture<Boolean> notice = noticeOf(id);
        if (exit.oomKilled() || Boolean.TRUE.equals(notice.getNow(false))) {
            return CompletableFuture.completedFuture(oomKilled(exit));
        }
        if (!memoryLimited || exit.exitCode() != SIGKILL_STATUS || killedThroughEngine.contains(id)) {
            return CompletableFuture.completedFuture(exit);
        }
        scheduler.schedule(
                () -> {
                    if (!notice.isDone()) {
                        notice.complete(loggedEarlier.test(id));
                    }
                },
                grace.toMillis(),
                TimeUnit.MILLISECONDS);
        return notice.thenApply(killed -> killed ? oomKilled(exit) : exit);
    }

    private CompletableFuture<Boolean> noticeOf(String id) {
        return oom.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    private static ExitResult oomKilled(ExitResult exit) {
        return exit.toBuilder().oomKilled(true).build();
    }
}
