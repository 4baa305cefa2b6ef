package dev.taskdrivers.runner.services;

import dev.taskdrivers.services.CheckHealth;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Passing on a 2xx answer, warning on 429 (Too Many Requests, as Consul does), critical otherwise. */
final class HttpProbe implements CheckProbe {
    private final HttpClient client;
    private final URI uri;
    private final String method;
    private final Map<String, List<String>> headers;
    private final Duration timeout;

    HttpProbe(HttpClient client, URI uri, String method, Map<String, List<String>> headers, Duration timeout) {
        this.client = client;
        this.uri = uri;
        this.method = method;
        this.headers = headers;
        this.timeout = timeout;
    }

    /** The URL a check of {@code protocol} and {@code path} calls at {@code address}. */
    static URI uri(@Nullable String protocol, ServiceAddress address, @Nullable String path) {
        String p = path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
        return URI.create((protocol == null ? "http" : protocol) + "://" + address.ip() + ":" + address.port() + p);
    }

    @Override
    public ProbeResult run() {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(timeout).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach((name, values) -> values.forEach(v -> request.header(name, v)));
        String what = "HTTP " + method + " " + uri;
        try {
            int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            CheckHealth health = status >= 200 && status < 300
                    ? CheckHealth.PASSING
                    : status == 429 ? CheckHealth.WARNING : CheckHealth.CRITICAL;
            return new ProbeResult(health, what + ": " + status);
        } catch (HttpTimeoutException e) {
            return ProbeResult.critical(what + ": timed out after " + timeout.toMillis() + "ms");
        } catch (IOException | IllegalArgumentException e) {
            return ProbeResult.critical(what + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.critical(what + ": interrupted");
        }
    }
}
