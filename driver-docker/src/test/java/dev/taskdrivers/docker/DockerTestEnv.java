package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/** The real services the docker tests use, started by scripts/start-services.sh. */
final class DockerTestEnv {
    static final String LOCAL_IMAGE = "taskdrivers-test/busybox:1";
    static final String REGISTRY = "127.0.0.1:5000";
    static final String REGISTRY_IMAGE = REGISTRY + "/taskdrivers/busybox:1";
    static final String BIG_REPOSITORY = "taskdrivers/big";
    static final Path RUN_DIR = Path.of(System.getenv().getOrDefault("SDK_RUN_DIR", "/var/lib/taskdrivers-test"));
    static final Path CREDENTIALS = RUN_DIR.resolve("registry/credentials");
    static final String HINT = "a Docker engine with the test images (run scripts/start-services.sh)";

    private static Boolean engineUp;

    private DockerTestEnv() {}

    /** Skips (fails under CI) unless the engine answers and the local test image exists. */
    static void requireEngine() {
        RealEnvironment.require(engineAvailable(), HINT);
    }

    /** Also needs the local registry and its credentials. */
    static void requireRegistry() {
        requireEngine();
        RealEnvironment.require(
                Files.isReadable(CREDENTIALS) && registryAnswers(),
                "the local image registry on " + REGISTRY + " (run scripts/start-services.sh)");
    }

    static synchronized boolean engineAvailable() {
        if (engineUp == null) {
            try (DockerDriver d = driver(Map.of())) {
                engineUp =
                        d.fingerprint().isHealthy() && d.images().presentImageId(ImageRef.parse(LOCAL_IMAGE)) != null;
            } catch (RuntimeException e) {
                engineUp = false;
            }
        }
        return engineUp;
    }

    private static boolean registryAnswers() {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", 5000)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String username() {
        return credential("username");
    }

    static String password() {
        return credential("password");
    }

    private static String credential(String key) {
        Properties p = new Properties();
        try (var in = Files.newInputStream(CREDENTIALS)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty(key);
    }

    static Map<String, Object> auth() {
        return Map.of("username", username(), "password", password());
    }

    /**
     * A driver with image removal off (the local test image must survive) plus {@code extra} options, with a data
     * directory of its own (pending image removals are kept there).
     */
    static DockerDriver driver(Map<String, Object> extra) {
        try {
            Path data = Path.of("target", "driver-data");
            Files.createDirectories(data);
            return driver(extra, Files.createTempDirectory(data, "docker-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Like {@link #driver(Map)}, with the data directory a driver of an earlier runner used. */
    static DockerDriver driver(Map<String, Object> extra, Path dataDir) {
        Map<String, Object> options = new HashMap<>();
        options.put("image_gc", Map.of("enabled", false));
        options.putAll(extra);
        return (DockerDriver) new DockerDriverFactory().create(new DriverContext(options, dataDir));
    }

    /** Tags the local busybox image (the one pushed to the registry) with a tag of its own, for one test. */
    static String uniqueImage(DockerClient docker, String purpose) {
        String tag = purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
        docker.tagImageCmd(LOCAL_IMAGE, "taskdrivers-test/busybox", tag).exec();
        return "taskdrivers-test/busybox:" + tag;
    }

    /**
     * Builds an image from the local busybox image with {@code dockerfileLines} added (e.g. an ENTRYPOINT), tagged
     * {@code taskdrivers-test/busybox:<purpose>-<random>}; the caller removes it.
     */
    static String buildImage(DockerClient docker, String purpose, String... dockerfileLines) {
        String tag = "taskdrivers-test/busybox:" + purpose + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        try {
            Path dir = Files.createTempDirectory("docker-build-");
            try {
                Files.writeString(
                        dir.resolve("Dockerfile"),
                        "FROM " + LOCAL_IMAGE + "\n" + String.join("\n", dockerfileLines) + "\n");
                docker.buildImageCmd(dir.toFile())
                        .withTags(java.util.Set.of(tag))
                        .withPull(false)
                        .exec(new com.github.dockerjava.api.command.BuildImageResultCallback())
                        .awaitImageId();
            } finally {
                Files.deleteIfExists(dir.resolve("Dockerfile"));
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tag;
    }

    static TaskId newTaskId(String taskName) {
        return new TaskId(UUID.randomUUID().toString().substring(0, 13).replace("-", ""), "job", "group", 0, taskName);
    }

    /** A task with fresh directories under {@code root}; env is set after prestart by {@link #withEnv}. */
    static TaskConfig task(
            Path root, String taskName, Map<String, Object> config, Resources resources, Duration killTimeout) {
        TaskId id = newTaskId(taskName);
        TaskDirs dirs = TaskDirs.standard(root.resolve(id.allocId()), taskName);
        try {
            for (Path p : List.of(dirs.allocDir(), dirs.localDir(), dirs.secretsDir(), dirs.logsDir())) {
                Files.createDirectories(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TaskConfig(id, config, Map.of(), resources, dirs, null, killTimeout, null);
    }

    static TaskConfig task(Path root, String taskName, Map<String, Object> config) {
        return task(root, taskName, config, Resources.defaults(), Duration.ofSeconds(2));
    }

    /** A task that sleeps for ten minutes in the local test image, with {@code extra} driver config besides. */
    static TaskConfig sleeper(Path root, String taskName, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put("image", LOCAL_IMAGE);
        config.put("command", "sleep");
        config.put("args", List.of("600"));
        return task(root, taskName, config);
    }

    /** The task's final environment, as a runner builds it after prestart. */
    static TaskConfig withEnv(TaskConfig task, PrestartResult prestart) {
        Map<String, String> env = TaskEnvironment.builder(task.id())
                .dirs(task.dirs())
                .resources(task.resources())
                .portMap(prestart.portMap())
                .overrides(prestart.envOverrides())
                .build();
        return task.withEnv(env);
    }

    /** What a runner does to start a task: prestart, environment, start. */
    static Started run(DockerDriver driver, TaskConfig task) {
        return run(driver, task, EventEmitter.NONE);
    }

    static Started run(DockerDriver driver, TaskConfig task, EventEmitter events) {
        PrestartResult prestart = driver.prestart(task, events);
        TaskConfig withEnv = withEnv(task, prestart);
        StartResult start = driver.start(withEnv, events);
        return new Started(withEnv, prestart, start);
    }

    /** A started task and everything needed to stop and clean it up. */
    record Started(TaskConfig task, PrestartResult prestart, StartResult start) {
        DockerTaskHandle handle() {
            return (DockerTaskHandle) start.handle();
        }

        void stopAndCleanup(DockerDriver driver) {
            try {
                handle().stop(Duration.ofSeconds(1), "SIGKILL").get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("stop of " + task.id() + " failed", e);
            } finally {
                driver.cleanup(task, prestart.created().merge(start.created()));
                handle().close();
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Resources resourcesWithPort(String label, int hostPort, int memoryMb) {
        return new Resources(100, memoryMb, List.of(new Port(label, hostPort, "127.0.0.1")));
    }

    /** Containers carrying our label. */
    static List<Container> ourContainers(DockerClient docker) {
        return docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(DockerLabels.MANAGED, "true"))
                .exec();
    }

    /** Removes every local tag of the big test image, so the next pull really downloads its layers. */
    static void removeBigImage(DockerClient docker) {
        for (Image image : docker.listImagesCmd().exec()) {
            String[] tags = image.getRepoTags();
            if (tags != null && List.of(tags).stream().anyMatch(t -> t.contains("/" + BIG_REPOSITORY + ":"))) {
                docker.removeImageCmd(image.getId()).withForce(true).exec();
            }
        }
    }

    static boolean imagePresent(DockerClient docker, String ref) {
        try {
            docker.inspectImageCmd(ref).exec();
            return true;
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return false;
        }
    }
}
