package dev.taskdrivers.runner.internal.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One http or https download into a file with the JDK's client: certificates verified by the JDK's trust store,
 * redirects followed here (at most the operator's limit, never from https down to http), the whole download bounded
 * by the read timeout.
 */
final class HttpFetch {
    /** How often a waiting download checks its deadline and whether its task is being stopped. */
    private static final Duration POLL = Duration.ofMillis(200);

    private final HttpClient client;
    private final ScheduledExecutorService timer;
    private final Duration readTimeout;
    private final long maxBytes;
    private final int maxRedirects;

    HttpFetch(
            HttpClient client, ScheduledExecutorService timer, Duration readTimeout, long maxBytes, int maxRedirects) {
        this.client = client;
        this.timer = timer;
        this.readTimeout = readTimeout;
        this.maxBytes = maxBytes;
        this.maxRedirects = maxRedirects;
    }

    /** The client every download of a runner shares; redirects are followed by {@link #get} itself. */
    static HttpClient newClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** Downloads {@code uri} into {@code file}; returns the digest of the body when {@code digest} is given. */
    byte @Nullable [] get(
            URI uri,
            Map<String, String> headers,
            Path file,
            @Nullable MessageDigest digest,
            BooleanSupplier cancelled) {
        URI current = uri;
        long deadline = System.nanoTime() + readTimeout.toNanos();
        for (int redirects = 0; ; redirects++) {
            HttpResponse<InputStream> response = send(current, headers, deadline, cancelled);
            int status = response.statusCode();
            if (status >= 300
                    && status < 400
                    && response.headers().firstValue("location").isPresent()) {
                closeQuietly(response.body());
                if (redirects >= maxRedirects) {
                    throw ArtifactFetchException.permanent("more than " + maxRedirects + " redirects");
                }
                current = redirect(
                        current, response.headers().firstValue("location").get());
                continue;
            }
            if (status < 200 || status >= 300) {
                closeQuietly(response.body());
                String message = "HTTP " + status + " from " + ArtifactSource.display(current.toString());
                throw status >= 500 || status == 429 || status == 408
                        ? ArtifactFetchException.transientFailure(message)
                        : ArtifactFetchException.recoverable(message);
            }
            OptionalLong length = response.headers().firstValueAsLong("content-length");
            if (length.isPresent() && length.getAsLong() > maxBytes) {
                closeQuietly(response.body());
                throw ArtifactFetchException.permanent("the download is " + length.getAsLong()
                        + " bytes, larger than the limit of " + maxBytes + " bytes (http_max_size)");
            }
            return body(response, file, digest, deadline, cancelled);
        }
    }

    /** Sends the request and waits for the answer's headers, giving up when the task is being stopped. */
    private HttpResponse<InputStream> send(
            URI uri, Map<String, String> headers, long deadline, BooleanSupplier cancelled) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(remaining(deadline));
        headers.forEach((name, value) -> {
            try {
                request.header(name, value);
            } catch (IllegalArgumentException e) {
                throw ArtifactFetchException.permanent("header " + name + " cannot be set by an artifact");
            }
        });
        CompletableFuture<HttpResponse<InputStream>> answer =
                client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try {
            while (true) {
                try {
                    return answer.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (cancelled.getAsBoolean()) {
                        answer.cancel(true);
                        throw ArtifactFetchException.recoverable("the task is being stopped");
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw ArtifactFetchException.transientFailure(
                        "no answer from " + ArtifactSource.display(uri.toString()) + " within the read timeout");
            }
            throw ArtifactFetchException.transientFailure("cannot reach " + ArtifactSource.display(uri.toString())
                    + ": "
                    + (cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage()));
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw ArtifactFetchException.recoverable("interrupted");
        }
    }

    private byte @Nullable [] body(
            HttpResponse<InputStream> response,
            Path file,
            @Nullable MessageDigest digest,
            long deadline,
            BooleanSupplier cancelled) {
        AtomicBoolean timedOut = new AtomicBoolean();
        AtomicBoolean stopped = new AtomicBoolean();
        InputStream in = response.body();
        // a stalled body is ended by closing its stream, at the deadline or when the task is being stopped
        ScheduledFuture<?> watchdog = timer.scheduleWithFixedDelay(
                () -> {
                    if (System.nanoTime() - deadline > 0) {
                        timedOut.set(true);
                        closeQuietly(in);
                    } else if (cancelled.getAsBoolean()) {
                        stopped.set(true);
                        closeQuietly(in);
                    }
                },
                POLL.toMillis(),
                POLL.toMillis(),
                TimeUnit.MILLISECONDS);
        try (in) {
            return Download.copy(in, file, maxBytes, digest, "the download", cancelled);
        } catch (IOException e) {
            if (stopped.get()) {
                throw ArtifactFetchException.recoverable("the task is being stopped");
            }
            if (timedOut.get()) {
                throw ArtifactFetchException.transientFailure(
                        "the download took longer than the read timeout of " + readTimeout + " (http_read_timeout)");
            }
            throw ArtifactFetchException.transientFailure("the download broke off: " + describe(e));
        } finally {
            watchdog.cancel(false);
        }
    }

    /** The next URL of a redirect: relative ones against the current, http and https only, never https to http. */
    private static URI redirect(URI from, String location) {
        URI next;
        try {
            next = from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw ArtifactFetchException.permanent("a redirect to a malformed URL");
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ArtifactFetchException.permanent("a redirect to a " + scheme + " URL, not http or https");
        }
        if (from.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) {
            throw ArtifactFetchException.permanent(
                    "a redirect from https down to http (" + ArtifactSource.display(next.toString()) + ")");
        }
        return next;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }
}
