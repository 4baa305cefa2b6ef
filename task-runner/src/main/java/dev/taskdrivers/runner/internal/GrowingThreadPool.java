package dev.taskdrivers.runner.internal;

import java.time.Duration;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A pool for blocking calls that adds a thread only when every thread it has is busy, up to a maximum, and lets a
 * thread end once it idled for the keep-alive; beyond the maximum, calls wait in line. A fixed pool's size caps how
 * many slow calls (a container's create and start) run at once, so a burst of them goes in waves; this one takes the
 * whole burst at once, while a stream of quick calls keeps to the few threads it needs.
 */
public final class GrowingThreadPool extends ThreadPoolExecutor {
    /** Calls handed to the pool that have not finished yet (running or waiting). */
    private final AtomicInteger unfinished = new AtomicInteger();

    public GrowingThreadPool(int maxThreads, Duration keepAlive, ThreadFactory threads) {
        super(
                1,
                maxThreads,
                keepAlive.toNanos(),
                TimeUnit.NANOSECONDS,
                new HandOffQueue(),
                threads,
                GrowingThreadPool::queueAfterAll);
        allowCoreThreadTimeOut(true);
        ((HandOffQueue) getQueue()).pool = this;
    }

    @Override
    public void execute(Runnable command) {
        unfinished.incrementAndGet();
        try {
            super.execute(command);
        } catch (RuntimeException | Error e) {
            unfinished.decrementAndGet();
            throw e;
        }
    }

    @Override
    protected void afterExecute(Runnable r, @Nullable Throwable t) {
        unfinished.decrementAndGet();
    }

    /** Whether a call just handed in would find no idle thread, while the pool may still grow. */
    private boolean shouldGrow() {
        int threads = getPoolSize();
        return threads < getMaximumPoolSize() && unfinished.get() > threads;
    }

    /** The pool reached its maximum between the check and adding a thread: the call waits in line after all. */
    private static void queueAfterAll(Runnable r, ThreadPoolExecutor pool) {
        if (pool.isShutdown()) {
            throw new RejectedExecutionException("the pool is shut down");
        }
        ((HandOffQueue) pool.getQueue()).enqueue(r);
    }

    /**
     * Refuses a call when the pool should add a thread for it, which makes the pool add one. A transfer queue hands
     * each call to an idle thread of its own: a LinkedBlockingQueue wakes one idle thread when it stops being empty
     * and each woken thread wakes the next, so a burst (a template change's render passes for fifty tasks) started
     * one thread after another, some 2 ms apart on a loaded machine.
     */
    private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
        private transient @Nullable GrowingThreadPool pool;

        @Override
        public boolean offer(Runnable r) {
            GrowingThreadPool p = pool;
            if (p != null && p.shouldGrow()) {
                return false;
            }
            return super.offer(r);
        }

        void enqueue(Runnable r) {
            super.offer(r);
        }
    }
}
