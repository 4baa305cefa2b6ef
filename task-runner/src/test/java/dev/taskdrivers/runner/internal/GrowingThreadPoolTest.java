package dev.taskdrivers.runner.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GrowingThreadPoolTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private GrowingThreadPool pool;

    @AfterEach
    void shutDown() {
        release.countDown();
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void aBurstOfBlockingCallsRunsAllAtOnce() throws Exception {
        pool = new GrowingThreadPool(64, Duration.ofSeconds(30), Executors.defaultThreadFactory());
        CountDownLatch running = new CountDownLatch(50);
        for (int i = 0; i < 50; i++) {
            pool.execute(() -> {
                running.countDown();
                awaitRelease();
            });
        }

        assertThat(running.await(30, TimeUnit.SECONDS))
                .as("all 50 calls running together, none waiting for another to end")
                .isTrue();
        assertThat(pool.getPoolSize()).isEqualTo(50);
    }

    @Test
    void quickCallsOneAfterAnotherKeepToOneThread() throws Exception {
        pool = new GrowingThreadPool(64, Duration.ofSeconds(30), Executors.defaultThreadFactory());
        for (int i = 0; i < 20; i++) {
            CompletableFuture.runAsync(() -> {}, pool).get(10, TimeUnit.SECONDS);
            // the call's future completes just before its thread is free again
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> pool.getActiveCount() == 0);
        }

        assertThat(pool.getLargestPoolSize()).isEqualTo(1);
    }

    @Test
    void beyondTheMaximumCallsWaitAndAllRun() throws Exception {
        pool = new GrowingThreadPool(2, Duration.ofSeconds(30), Executors.defaultThreadFactory());
        CountDownLatch running = new CountDownLatch(2);
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(CompletableFuture.runAsync(
                    () -> {
                        running.countDown();
                        awaitRelease();
                    },
                    pool));
        }
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.getPoolSize()).isEqualTo(2);
        assertThat(pool.getQueue()).hasSize(3);

        release.countDown();

        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(pool.getLargestPoolSize()).isEqualTo(2);
    }

    @Test
    void aShutDownPoolRefusesCalls() {
        pool = new GrowingThreadPool(4, Duration.ofSeconds(30), Executors.defaultThreadFactory());
        pool.shutdown();

        assertThatThrownBy(() -> pool.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
