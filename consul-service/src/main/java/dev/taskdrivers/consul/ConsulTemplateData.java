package dev.taskdrivers.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskdrivers.consul.internal.InstanceHealth;
import dev.taskdrivers.templates.CatalogService;
import dev.taskdrivers.templates.KeyValue;
import dev.taskdrivers.templates.ServiceInstance;
import dev.taskdrivers.templates.TemplateDataSource;
import dev.taskdrivers.templates.TemplateQuery;
import dev.taskdrivers.templates.TemplateQueryResult;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Templates' keys and services read from Consul with blocking queries, as consul-template reads them: each watch
 * is one loop that asks with the index of its last answer and waits until Consul's data moves past it (or the wait
 * ends), so an unchanged key costs one open request per wait, not a poll. Same agent address, ACL token (header, never
 * in a URL or a log) and TLS as {@link ConsulOptions} give the registry.
 *
 * <p>It speaks Consul's HTTP API through the JDK's client rather than consul-client: a blocking query on a key that
 * does not exist yet needs the index of the 404 answer, which consul-client's key-value calls do not return.
 *
 * <p>{@code key} reads {@code /v1/kv/KEY}, {@code ls}/{@code tree} {@code /v1/kv/PREFIX?recurse}, {@code service}
 * {@code /v1/health/service/NAME} (with {@code tag}, and {@code passing} when only passing instances are asked for;
 * other health filters, such as {@code passing,warning}, are applied here to each instance's status as
 * consul-template aggregates it from its checks), {@code services}
 * {@code /v1/catalog/services}. A failed request is reported to the watch and retried after 1 s, 2 s, ... up to the
 * options' max backoff; the last value stays in force meanwhile.
 */
public final class ConsulTemplateData implements TemplateDataSource {
    /** How long Consul holds a blocking query open when nothing changes. */
    static final Duration DEFAULT_BLOCK = Duration.ofMinutes(1);
    /** The pause between reads when an answer carries no index to block on. */
    static final Duration NO_INDEX_PAUSE = Duration.ofSeconds(1);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConsulOptions options;
    private final Duration block;
    private final HttpClient http;
    private final AtomicLong requests = new AtomicLong();
    private final Set<Loop> loops = ConcurrentHashMap.newKeySet();

    private ConsulTemplateData(ConsulOptions options, Duration block) {
        this.options = options;
        this.block = block;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if ("https".equals(options.address().getScheme())) {
            TlsContexts.Tls tls = options.tlsSkipVerify()
                    ? TlsContexts.trustingAnything()
                    : options.tlsCaFile() != null ? TlsContexts.trusting(options.tlsCaFile()) : null;
            if (tls != null) {
                b.sslContext(tls.context());
            }
        }
        this.http = b.build();
    }

    /** A source for the agent in {@code options}; nothing is asked until a query is watched. */
    public static ConsulTemplateData create(ConsulOptions options) {
        return new ConsulTemplateData(options, DEFAULT_BLOCK);
    }

    /** As {@link #create}, with Consul holding unchanged queries open for {@code block} (at most 10 min). */
    public static ConsulTemplateData create(ConsulOptions options, Duration block) {
        if (block.isNegative() || block.isZero() || block.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("block must be above zero and at most 10m, got " + block);
        }
        return new ConsulTemplateData(options, block);
    }

    /** HTTP requests sent so far, for tests and benchmarks. */
    public long requests() {
        return requests.get();
    }

    /** Watches running now. */
    public int watches() {
        return loops.size();
    }

    @Override
    public Watch watch(TemplateQuery query, Listener listener) {
        if (query.kind().nomadCatalog()) {
            throw new UnsupportedOperationException(query.describe() + " is Nomad's catalog, not Consul's");
        }
        Loop loop = new Loop(query, listener);
        loops.add(loop);
        loop.thread.start();
        return loop::stop;
    }

    @Override
    public void close() {
        List.copyOf(loops).forEach(Loop::stop);
    }

    private final class Loop implements Runnable {
        final TemplateQuery query;
        final Listener listener;
        final Thread thread;
        private volatile boolean stopped;
        private @Nullable TemplateQueryResult last;

        Loop(TemplateQuery query, Listener listener) {
            this.query = query;
            this.listener = listener;
            this.thread = new Thread(this, "consul-template-" + query.describe());
            this.thread.setDaemon(true);
        }

        void stop() {
            stopped = true;
            loops.remove(this);
            thread.interrupt();
        }

        @Override
        public void run() {
            long index = 0;
            int failures = 0;
            while (!stopped) {
                try {
                    HttpResponse<String> r = http.send(request(index), HttpResponse.BodyHandlers.ofString());
                    requests.incrementAndGet();
                    long next = indexOf(r);
                    boolean missing = r.statusCode() == 404 && query.kind() != TemplateQuery.Kind.SERVICE;
                    if (r.statusCode() != 200 && !missing) {
                        throw new IOException("HTTP " + r.statusCode() + ": "
                                + r.body().lines().findFirst().orElse("").strip());
                    }
                    TemplateQueryResult result = parse(missing ? "[]" : r.body());
                    failures = 0;
                    if (!result.equals(last)) {
                        last = result;
                        listener.changed(result);
                    }
                    if (next <= 0) {
                        // no index to block on (a proxy dropped it?): ask again after a pause, never in a tight loop
                        index = 0;
                        Thread.sleep(NO_INDEX_PAUSE.toMillis());
                    } else {
                        index = next < index ? 0 : next; // backwards (a restored snapshot): start over
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    if (stopped) {
                        return;
                    }
                    requests.incrementAndGet();
                    failures++;
                    listener.failed(query.describe() + " from " + options.address() + ": " + e.getMessage());
                    index = 0;
                    try {
                        Thread.sleep(Math.min(options.maxBackoff().toMillis(), failures * 1000L));
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        private HttpRequest request(long index) {
            StringBuilder q = new StringBuilder();
            String path = switch (query.kind()) {
                case KEY -> "/v1/kv/" + encodePath(query.name());
                case KEY_PREFIX -> {
                    q.append("&recurse=true");
                    yield "/v1/kv/" + encodePath(query.name());
                }
                case SERVICE -> {
                    if (query.passingOnly()) {
                        q.append("&passing=true");
                    }
                    if (query.tag() != null) {
                        q.append("&tag=").append(URLEncoder.encode(query.tag(), StandardCharsets.UTF_8));
                    }
                    yield "/v1/health/service/" + encodePath(query.name());
                }
                case SERVICES -> "/v1/catalog/services";
                case NOMAD_SERVICE, NOMAD_SERVICES -> throw new IllegalStateException("refused by watch");
            };
            if (index > 0) {
                q.append("&index=")
                        .append(index)
                        .append("&wait=")
                        .append(block.toSeconds())
                        .append('s');
            }
            String query = q.length() == 0 ? "" : "?" + q.substring(1);
            URI base = options.address();
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path + query))
                    .timeout(block.plusSeconds(block.toSeconds() / 16 + 10)) // Consul adds up to wait/16 of jitter
                    .GET();
            options.token().ifPresent(t -> b.header("X-Consul-Token", t.reveal()));
            return b.build();
        }

        private TemplateQueryResult parse(String body) throws IOException {
            JsonNode root = JSON.readTree(body);
            return switch (query.kind()) {
                case KEY -> {
                    String value = null;
                    for (JsonNode kv : root) {
                        if (kv.path("Key").asText().equals(query.name())) {
                            value = decode(kv.path("Value"));
                        }
                    }
                    yield TemplateQueryResult.ofValue(value);
                }
                case KEY_PREFIX -> {
                    List<KeyValue> keys = new ArrayList<>();
                    for (JsonNode kv : root) {
                        String v = decode(kv.path("Value"));
                        keys.add(new KeyValue(kv.path("Key").asText(), v == null ? "" : v));
                    }
                    yield TemplateQueryResult.ofKeys(keys);
                }
                case SERVICE -> {
                    List<ServiceInstance> instances = new ArrayList<>();
                    for (JsonNode e : root) {
                        ServiceInstance instance = instance(e);
                        if (query.accepts(instance.status())) {
                            instances.add(instance);
                        }
                    }
                    yield TemplateQueryResult.ofInstances(instances);
                }
                case SERVICES -> {
                    List<CatalogService> services = new ArrayList<>();
                    for (Map.Entry<String, JsonNode> f : root.properties()) {
                        List<String> tags = new ArrayList<>();
                        f.getValue().forEach(t -> tags.add(t.asText()));
                        services.add(new CatalogService(f.getKey(), tags));
                    }
                    yield TemplateQueryResult.ofServices(services);
                }
                case NOMAD_SERVICE, NOMAD_SERVICES -> throw new IllegalStateException("refused by watch");
            };
        }
    }

    private static ServiceInstance instance(JsonNode e) {
        JsonNode node = e.path("Node");
        JsonNode service = e.path("Service");
        String address = service.path("Address").asText("");
        if (address.isEmpty()) {
            address = node.path("Address").asText("");
        }
        List<String> tags = new ArrayList<>();
        service.path("Tags").forEach(t -> tags.add(t.asText()));
        Map<String, String> meta = new LinkedHashMap<>();
        service.path("Meta")
                .properties()
                .forEach(f -> meta.put(f.getKey(), f.getValue().asText()));
        String status = InstanceHealth.of(e.path("Checks"));
        return new ServiceInstance(
                service.path("ID").asText(),
                service.path("Service").asText(),
                node.path("Node").asText(),
                address,
                service.path("Port").asInt(),
                tags,
                status,
                meta);
    }

    private static @Nullable String decode(JsonNode value) {
        if (value.isNull() || value.isMissingNode()) {
            return null;
        }
        return new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
    }

    private static long indexOf(HttpResponse<?> r) {
        try {
            return Long.parseLong(r.headers().firstValue("X-Consul-Index").orElse("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Each segment of a key percent-encoded, the slashes kept. */
    static String encodePath(String key) {
        String clean = key.startsWith("/") ? key.substring(1) : key;
        StringBuilder b = new StringBuilder();
        for (String segment : clean.split("/", -1)) {
            if (b.length() > 0) {
                b.append('/');
            }
            b.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "ConsulTemplateData[" + options.address() + ", watches=" + loops.size() + "]";
    }
}
