package dev.taskdrivers.runner.services;

import dev.taskdrivers.services.internal.SkipVerifyTrust;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checks of a registry on a few shared threads, however many checks there are. Each check runs, then is
 * scheduled again one interval after it ended, so a slow check never overlaps itself. Threads are created on first
 * use and end when idle.
 */
final class CheckScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckScheduler.class);

    private final ScheduledThreadPoolExecutor pool;
    private volatile @Nullable HttpClient http;
    private volatile @Nullable HttpClient httpSkipVerify;

    CheckScheduler(int threads) {
        AtomicInteger n = new AtomicInteger();
        pool = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "service-checks-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.setKeepAliveTime(30, TimeUnit.SECONDS);
        pool.allowCoreThreadTimeOut(true);
        pool.setRemoveOnCancelPolicy(true);
    }

    /** Runs {@code probe} now and then every {@code interval}, giving each result to {@code results}, until cancelled. */
    Scheduled schedule(CheckProbe probe, Duration interval, Consumer<ProbeResult> results) {
        Scheduled s = new Scheduled(probe, interval, results);
        s.next(Duration.ZERO);
        return s;
    }

    /** One HTTP client for every check; the second one skips certificate checks for {@code tls_skip_verify}. */
    HttpClient http(boolean skipVerify) {
        if (!skipVerify) {
            if (http == null) {
                synchronized (this) {
                    if (http == null) {
                        http = HttpClient.newBuilder()
                                .followRedirects(HttpClient.Redirect.NEVER)
                                .build();
                    }
                }
            }
            return http;
        }
        if (httpSkipVerify == null) {
            synchronized (this) {
                if (httpSkipVerify == null) {
                    httpSkipVerify = HttpClient.newBuilder()
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .sslContext(trustingEveryCertificate())
                            .build();
                }
            }
        }
        return httpSkipVerify;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private static SSLContext trustingEveryCertificate() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {SkipVerifyTrust.INSTANCE}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context for tls_skip_verify checks", e);
        }
    }

    /** A check on the schedule. */
    final class Scheduled {
        private final CheckProbe probe;
        private final Duration interval;
        private final Consumer<ProbeResult> results;
        private @Nullable ScheduledFuture<?> future;
        private boolean cancelled;

        private Scheduled(CheckProbe probe, Duration interval, Consumer<ProbeResult> results) {
            this.probe = probe;
            this.interval = interval;
            this.results = results;
        }

        private synchronized void next(Duration delay) {
            if (cancelled || pool.isShutdown()) {
                return;
            }
            future = pool.schedule(this::runOnce, delay.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void runOnce() {
            ProbeResult result;
            try {
                result = probe.run();
            } catch (RuntimeException e) {
                LOG.warn("a check failed unexpectedly: {}", e.toString());
                result = ProbeResult.critical("check failed: " + e);
            }
            synchronized (this) {
                if (cancelled) {
                    return;
                }
            }
            results.accept(result);
            next(interval);
        }

        /** Stops it; a run in progress finishes but its result is dropped. */
        synchronized void cancel() {
            cancelled = true;
            if (future != null) {
                future.cancel(false);
            }
        }

        synchronized boolean isCancelled() {
            return cancelled;
        }
    }
}
