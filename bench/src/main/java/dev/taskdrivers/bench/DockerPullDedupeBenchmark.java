package dev.taskdrivers.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.TaskConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * 50 tasks wanting one image that is not present: how many pulls the engine made (counted from its own event log)
 * and the total time against one task pulling the image alone.
 */
public final class DockerPullDedupeBenchmark implements Benchmark {
    private static final int TASKS = 50;
    private static final int ROUNDS = 3;
    private static final String IMAGE = "127.0.0.1:5000/taskdrivers/big:1";

    @Override
    public String name() {
        return "docker-pull-dedupe";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("bench-docker-pull");
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        DockerClient docker = DockerClientImpl.getInstance(
                config,
                new ApacheDockerHttpClient.Builder()
                        .dockerHost(config.getDockerHost())
                        .build());
        Map<String, Object> task =
                Map.of("image", IMAGE, "auth", DockerBenchSupport.registryAuth(), "command", "/bin/true");
        try {
            long[] singles = new long[ROUNDS];
            long[] manys = new long[ROUNDS];
            long pulls = 0;
            for (int round = -1; round < ROUNDS; round++) { // round -1 warms up and is not counted
                removeImage(docker);
                long single = singlePull(root.resolve("single" + round), task);
                removeImage(docker);
                long sinceNanos = java.time.Instant.now().getEpochSecond() * 1_000_000_000L
                        + java.time.Instant.now().getNano();
                long since = sinceNanos / 1_000_000_000L - 1;
                long many = manyPulls(root.resolve("many" + round), root, task);
                long roundPulls = enginePulls(docker, since, sinceNanos);
                if (round >= 0) {
                    singles[round] = single;
                    manys[round] = many;
                    pulls = Math.max(pulls, roundPulls);
                }
            }
            removeImage(docker);
            double ratio = DockerBenchSupport.median(manys) / DockerBenchSupport.median(singles);
            String detail = "medians of " + ROUNDS + ": " + TASKS + " tasks "
                    + DockerBenchSupport.ms(DockerBenchSupport.median(manys)) + ", one task alone "
                    + DockerBenchSupport.ms(DockerBenchSupport.median(singles))
                    + "; most engine pull events in a round " + pulls;
            return List.of(
                    new Figure(
                            name(),
                            "engine pulls for " + TASKS + " tasks wanting one missing image",
                            pulls,
                            "count",
                            "1",
                            pulls == 1,
                            detail),
                    new Figure(
                            name(),
                            TASKS + " tasks' total prestart time / one task's pull",
                            ratio,
                            "x",
                            "<= 1.2x",
                            ratio <= 1.2,
                            detail));
        } finally {
            docker.close();
        }
    }

    private static long singlePull(Path dataDir, Map<String, Object> task) throws Exception {
        try (Driver driver = DockerBenchSupport.driver(dataDir)) {
            driver.fingerprint(); // connection set up outside the measurement, as in the 50-task run's driver
            TaskConfig one = DockerBenchSupport.task(dataDir, "one", task);
            long t0 = System.nanoTime();
            PrestartResult r = driver.prestart(one, EventEmitter.NONE);
            long took = System.nanoTime() - t0;
            driver.cleanup(one, r.created());
            return took;
        }
    }

    private static long manyPulls(Path dataDir, Path root, Map<String, Object> task) throws Exception {
        try (Driver driver = DockerBenchSupport.driver(dataDir)) {
            driver.fingerprint();
            ExecutorService pool = Executors.newFixedThreadPool(TASKS);
            CountDownLatch go = new CountDownLatch(1);
            List<TaskConfig> configs = new ArrayList<>();
            List<Future<PrestartResult>> results = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                TaskConfig t = DockerBenchSupport.task(root, "t" + i, task);
                configs.add(t);
                results.add(pool.submit(() -> {
                    go.await();
                    return driver.prestart(t, EventEmitter.NONE);
                }));
            }
            long t0 = System.nanoTime();
            go.countDown();
            for (Future<PrestartResult> f : results) {
                f.get();
            }
            long took = System.nanoTime() - t0;
            pool.shutdown();
            for (int i = 0; i < TASKS; i++) {
                driver.cleanup(configs.get(i), results.get(i).get().created());
            }
            return took;
        }
    }

    private static void removeImage(DockerClient docker) {
        try {
            docker.removeImageCmd(IMAGE).withForce(true).exec();
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            // not there: nothing to remove
        }
    }

    /** The engine logs one "pull" event per pull it performed. */
    private static long enginePulls(DockerClient docker, long sinceSeconds, long sinceNanos) throws Exception {
        List<Event> events = new ArrayList<>();
        String until = Long.toString(System.currentTimeMillis() / 1000 + 1);
        docker.eventsCmd()
                .withSince(Long.toString(sinceSeconds))
                .withUntil(until)
                .withEventTypeFilter(EventType.IMAGE)
                .withEventFilter("pull")
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        events.add(event);
                    }
                })
                .awaitCompletion(30, TimeUnit.SECONDS);
        // the API filters by whole seconds; the single pull just before must not count
        return events.stream()
                .filter(e -> e.getTimeNano() == null || e.getTimeNano() >= sinceNanos)
                .filter(e -> IMAGE.equals(e.getId())
                        || e.getActor() != null && IMAGE.equals(e.getActor().getId()))
                .count();
    }
}
