package dev.taskdrivers.bench;

import dev.taskdrivers.consul.ConsulOptions;
import dev.taskdrivers.consul.ConsulTemplateData;
import dev.taskdrivers.consul.ConsulToken;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TemplateOptions;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.runner.spec.TemplateSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * 1,000 templates (50 raw_exec tasks with 20 each, change mode noop, splay 0) reading one Consul key through
 * {@link ConsulTemplateData} behind a counting proxy: how many blocking queries they keep open, how many requests
 * reach the agent per change of the key, and how long after a KV write every one of the 1,000 files holds the new
 * value. Needs the agent of scripts/services/consul.sh (address and token from {@code CONSUL_HTTP_ADDR} and
 * {@code SDK_RUN_DIR}).
 */
public final class TemplateWatchBenchmark implements Benchmark {
    private static final int TASKS = 50;
    private static final int TEMPLATES_PER_TASK = 20;
    private static final int WRITES = 5;
    private static final long MAX_REWRITE_MILLIS = 500;

    @Override
    public String name() {
        return "template-watch";
    }

    @Override
    public List<Figure> run() throws Exception {
        URI agent = URI.create(
                Optional.ofNullable(System.getenv("CONSUL_HTTP_ADDR")).orElse("http://127.0.0.1:18500"));
        Path runDir = Path.of(Optional.ofNullable(System.getenv("SDK_RUN_DIR")).orElse("/var/lib/taskdrivers-test"));
        String token = Files.readString(runDir.resolve("consul/master-token")).trim();
        String key = "_tdbench/" + UUID.randomUUID() + "/value";
        Path root = Files.createTempDirectory("template-watch-bench");
        putKey(agent, token, key, "v0");
        try (ConsulCountingProxy proxy = new ConsulCountingProxy(agent)) {
            ConsulOptions options =
                    ConsulOptions.defaults().withAddress(proxy.address()).withToken(ConsulToken.of(token));
            try (ConsulTemplateData source = ConsulTemplateData.create(options, Duration.ofSeconds(20));
                    TaskRunner runner = TaskRunner.builder()
                            .stateDir(root.resolve("state"))
                            .dataDir(root.resolve("data"))
                            .templateData(source)
                            // no default wait: the figure is the propagation itself, not an operator's debounce
                            .templates(TemplateOptions.builder()
                                    .wait(Duration.ZERO, Duration.ZERO)
                                    .build())
                            .build()) {
                List<Path> files = start(runner, key);
                RunnerBenchSupport.waitUntil(() -> allHold(files, "v0"), 300_000, "every file rendered");
                int watches = source.watches();

                long worstMillis = 0;
                long worstRequests = 0;
                List<Long> millis = new ArrayList<>();
                for (int i = 1; i <= WRITES; i++) {
                    String value = "v" + i;
                    long requestsBefore = proxy.reads();
                    long begin = System.nanoTime();
                    putKey(agent, token, key, value); // straight to the agent: the proxy counts the watch only
                    waitUntilEachHeld(files, value, 60_000);
                    long took = (System.nanoTime() - begin) / 1_000_000;
                    if (!allHold(files, value)) {
                        throw new IllegalStateException("a file lost " + value + " after holding it");
                    }
                    millis.add(took);
                    worstMillis = Math.max(worstMillis, took);
                    worstRequests = Math.max(worstRequests, proxy.reads() - requestsBefore);
                }
                runner.stopAll(Duration.ofSeconds(60));
                int templates = TASKS * TEMPLATES_PER_TASK;
                return List.of(
                        new Figure(
                                name(),
                                "blocking queries open for " + templates + " templates reading one key",
                                watches,
                                "count",
                                "<= 1",
                                watches <= 1,
                                "ConsulTemplateData.watches() with every file rendered"),
                        new Figure(
                                name(),
                                "requests reaching the agent per change of the key (worst of " + WRITES + ")",
                                worstRequests,
                                "count",
                                "<= 1",
                                worstRequests <= 1,
                                "GETs counted by the proxy from the write until every file held the value"),
                        new Figure(
                                name(),
                                "KV write to all " + templates + " files rewritten, splay 0, no wait (worst of "
                                        + WRITES + ")",
                                worstMillis,
                                "ms",
                                "<= " + MAX_REWRITE_MILLIS + " ms",
                                worstMillis <= MAX_REWRITE_MILLIS,
                                "each write: " + millis + " ms"));
            }
        } finally {
            deleteKeys(agent, token, key);
            RunnerBenchSupport.deleteTree(root);
        }
    }

    private static List<Path> start(TaskRunner runner, String key) throws InterruptedException {
        List<Path> files = new ArrayList<>();
        List<AllocationHandle> allocs = new ArrayList<>();
        for (int t = 0; t < TASKS; t++) {
            TaskSpec.Builder task = TaskSpec.builder("t", "raw_exec")
                    .config(Map.of("command", "/bin/sleep", "args", List.of("600")))
                    .restart(RestartPolicy.NEVER);
            for (int i = 0; i < TEMPLATES_PER_TASK; i++) {
                task.template(TemplateSpec.builder("local/f" + i)
                        .data("{{ key \"" + key + "\" }}")
                        .changeMode(TemplateSpec.ChangeMode.NOOP)
                        .splay(Duration.ZERO));
            }
            allocs.add(runner.submit(JobSpec.service("tpl" + t, List.of(GroupSpec.of("g", List.of(task.build())))))
                    .get(0));
        }
        RunnerBenchSupport.waitUntil(
                () -> allocs.stream()
                        .allMatch(a -> java.util.Objects.requireNonNull(
                                                a.status().tasks().get("t"))
                                        .state()
                                == TaskState.RUNNING),
                300_000,
                TASKS + " tasks running");
        for (AllocationHandle a : allocs) {
            Path local = java.util.Objects.requireNonNull(
                            java.util.Objects.requireNonNull(a.status().tasks().get("t"), "status of task t")
                                    .taskDir(),
                            "task directory of t")
                    .resolve("local");
            for (int i = 0; i < TEMPLATES_PER_TASK; i++) {
                files.add(local.resolve("f" + i));
            }
        }
        return files;
    }

    /**
     * Polls every 5 ms until each file was seen holding {@code value}. A file seen holding it is not read again:
     * nothing writes the old value back (the caller checks all once more), and re-reading a thousand files on every
     * poll would take the CPU from the renders being measured.
     */
    private static void waitUntilEachHeld(List<Path> files, String value, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        int seen = 0;
        while (true) {
            while (seen < files.size() && holds(files.get(seen), value)) {
                seen++;
            }
            if (seen == files.size()) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(
                        (files.size() - seen) + " files did not get " + value + " within " + timeoutMs + " ms");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static boolean holds(Path file, String value) {
        try {
            return Files.readString(file).equals(value);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean allHold(List<Path> files, String value) {
        for (Path f : files) {
            try {
                if (!Files.readString(f).equals(value)) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static void putKey(URI agent, String token, String key, String value) throws Exception {
        send(HttpRequest.newBuilder(agent.resolve("/v1/kv/" + key))
                .header("X-Consul-Token", token)
                .PUT(HttpRequest.BodyPublishers.ofString(value)));
    }

    private static void deleteKeys(URI agent, String token, String key) throws Exception {
        send(HttpRequest.newBuilder(agent.resolve("/v1/kv/" + key))
                .header("X-Consul-Token", token)
                .DELETE());
    }

    private static void send(HttpRequest.Builder b) throws Exception {
        HttpResponse<String> r =
                HTTP.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(b.build().method() + " " + b.build().uri() + ": HTTP " + r.statusCode());
        }
    }
}
