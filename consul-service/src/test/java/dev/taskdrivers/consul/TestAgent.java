package dev.taskdrivers.consul;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The dev-mode Consul agent started by scripts/services/consul.sh, seen through plain HTTP calls of its API (not
 * through the code under test), plus stopping and restarting it.
 */
public final class TestAgent {
    public static final String ADDRESS = "http://127.0.0.1:18500";
    static final String HTTPS_ADDRESS = "https://127.0.0.1:18501";
    /** Every ID prefix the tests use starts with this; the suite ends asserting nothing with it is left. */
    static final String TEST_PREFIX = "_tdtest";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private TestAgent() {}

    public static Path runDir() {
        String dir = System.getenv("SDK_RUN_DIR");
        return Path.of(dir == null ? "/var/lib/taskdrivers-test" : dir).resolve("consul");
    }

    static String token() {
        try {
            return Files.readString(runDir().resolve("master-token")).trim();
        } catch (IOException e) {
            throw new IllegalStateException("no master token in " + runDir(), e);
        }
    }

    static Path caFile() {
        return runDir().resolve("tls/consul-agent-ca.pem");
    }

    /** Skips (fails under CI) unless the agent answers with a leader and its token is readable. */
    public static void require() {
        RealEnvironment.require(
                hasLeader() && Files.isReadable(runDir().resolve("master-token")),
                "a Consul agent on 127.0.0.1:18500 with its token in " + runDir() + " (run scripts/start-services.sh)");
    }

    static boolean hasLeader() {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(ADDRESS + "/v1/status/leader"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().length() > 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Options for a registry owning IDs under a fresh prefix of its own. */
    static ConsulOptions options() {
        return ConsulOptions.defaults()
                .withAddress(URI.create(ADDRESS))
                .withToken(ConsulToken.of(token()))
                .withIdPrefix(freshPrefix())
                .withProbation(Duration.ZERO)
                .withMaxBackoff(Duration.ofSeconds(1))
                .withResyncInterval(Duration.ofSeconds(30))
                .withShutdownTimeout(Duration.ofSeconds(1));
    }

    public static String freshPrefix() {
        return TEST_PREFIX + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** GET /v1/agent/services: service ID to its JSON. */
    public static Map<String, Map<String, Object>> services() {
        return get("/v1/agent/services");
    }

    /** GET /v1/agent/checks: check ID to its JSON. */
    static Map<String, Map<String, Object>> checks() {
        return get("/v1/agent/checks");
    }

    static String status(String checkId) {
        Map<String, Object> c = checks().get(checkId);
        return c == null ? null : (String) c.get("Status");
    }

    static void registerForeign(String id, String name) {
        put(
                "/v1/agent/service/register",
                "{\"ID\":\"" + id + "\",\"Name\":\"" + name + "\",\"Port\":1234," + "\"Check\":{\"CheckID\":\"" + id
                        + "-ttl\",\"TTL\":\"60s\"}}");
    }

    static void deregister(String id) {
        put("/v1/agent/service/deregister/" + id, "");
    }

    /** Sets a key of the KV store. */
    public static void putKey(String key, String value) {
        put("/v1/kv/" + key, value);
    }

    /** Removes every key under {@code prefix}. */
    public static void deleteKeys(String prefix) {
        try {
            HttpResponse<String> r = HTTP.send(
                    request("/v1/kv/" + prefix + "?recurse=true").DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("DELETE " + prefix + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("DELETE " + prefix + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Registers a passing service (TTL check passed at once) with this ID, name, address and port. */
    static void registerPassing(String id, String name, String address, int port) {
        put(
                "/v1/agent/service/register",
                "{\"ID\":\"" + id + "\",\"Name\":\"" + name + "\",\"Address\":\"" + address + "\",\"Port\":" + port
                        + ",\"Check\":{\"CheckID\":\"" + id + "-ttl\",\"TTL\":\"60s\",\"Status\":\"passing\"}}");
    }

    /** Registers a service whose one TTL check has {@code status} (passing, warning or critical). */
    static void registerWithCheck(String id, String name, String status) {
        put(
                "/v1/agent/service/register",
                "{\"ID\":\"" + id + "\",\"Name\":\"" + name + "\",\"Address\":\"127.0.0.1\",\"Port\":80"
                        + ",\"Check\":{\"CheckID\":\"" + id + "-ttl\",\"TTL\":\"60s\",\"Status\":\"" + status
                        + "\"}}");
    }

    /** Puts a service into maintenance mode (Consul adds a critical check for it, removed with the service). */
    static void enableMaintenance(String id) {
        put("/v1/agent/service/maintenance/" + id + "?enable=true&reason=test", "");
    }

    /** Removes every service and check owned under {@code prefix}, for cleanup after a failure. */
    public static void deregisterAll(String prefix) {
        services().keySet().stream().filter(id -> id.startsWith(prefix + "-")).forEach(TestAgent::deregister);
        checks().keySet().stream()
                .filter(id -> id.startsWith(prefix + "-"))
                .forEach(id -> put("/v1/agent/check/deregister/" + id, ""));
    }

    /** Kills the agent (dev mode: it loses every registration) and waits until its API stops answering. */
    static void stop() throws IOException, InterruptedException {
        long pid =
                Long.parseLong(Files.readString(runDir().resolve("consul.pid")).trim());
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroy();
            p.onExit().orTimeout(10, TimeUnit.SECONDS).join();
        });
        await("the agent's API to stop answering")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !hasLeader());
    }

    /** Starts the agent through the project's own service script and waits for its leader. */
    static void start() throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("user.dir"))
                .resolveSibling("scripts")
                .resolve("services/consul.sh");
        Process p = new ProcessBuilder("bash", script.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("scripts/services/consul.sh failed to start the agent");
        }
    }

    /** GET /v1/catalog/service/NAME: the catalog's entries of a service name. */
    static List<Map<String, Object>> catalog(String serviceName) {
        try {
            String path = "/v1/catalog/service/" + serviceName;
            HttpResponse<String> r = HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readValue(r.body(), new TypeReference<>() {});
        } catch (IOException e) {
            throw new IllegalStateException("GET catalog " + serviceName + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Map<String, Object>> get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readValue(r.body(), new TypeReference<>() {});
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void put(String path, String body) {
        try {
            HttpResponse<String> r = HTTP.send(
                    request(path).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("PUT " + path + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("PUT " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(ADDRESS + path))
                .timeout(Duration.ofSeconds(10))
                .header("X-Consul-Token", token());
    }
}
