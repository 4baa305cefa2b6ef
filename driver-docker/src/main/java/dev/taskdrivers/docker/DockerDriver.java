package dev.taskdrivers.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.core.DockerClientConfig;
import dev.taskdrivers.api.Capabilities;
import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.GroupNetwork;
import dev.taskdrivers.api.GroupNetworkRequest;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.docker.internal.ContainerLogCollector;
import dev.taskdrivers.docker.internal.EngineJsonWarmup;
import dev.taskdrivers.docker.internal.ImageTarball;
import dev.taskdrivers.docker.internal.PendingRemovalsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks as Docker containers through docker-java. One instance per runner: it owns the engine connection,
 * the event stream that reports container exits and the image coordinator.
 */
public final class DockerDriver implements Driver {
    /** The name tasks use to pick this driver. */
    public static final String NAME = "docker";
    /** Created-resources kind of the images a task holds. */
    public static final String IMAGE_RESOURCE = "image";
    /** Created-resources kind of the task's container id. */
    public static final String CONTAINER_RESOURCE = "container";

    private static final Logger LOG = LoggerFactory.getLogger(DockerDriver.class);
    private static final int CLEANUP_ATTEMPTS = 3;

    private final DockerDriverOptions options;
    private final DockerClient docker;
    private final ScheduledExecutorService scheduler;
    private final ImageCoordinator images;
    private final ContainerWatcher watcher;
    private final ContainerLauncher launcher;
    private final ExecRunner exec;
    private final CredentialResolver credentials;
    private final DockerFingerprinter fingerprinter;
    private final InfraContainers infra;
    private final RemovedContainers removedByStop = new RemovedContainers();
    private final AtomicBoolean closed = new AtomicBoolean();

    DockerDriver(DockerDriverOptions options, Path dataDir) {
        this.options = options;
        ObjectMapper json = DockerClientConfig.getDefaultObjectMapper();
        // a driver is made to run tasks: the first one's engine calls find their JSON mapping ready (or being made),
        // and the client's build below (TLS, connection pool) no longer delays that work
        new EngineJsonWarmup(json).start();
        this.docker = DockerClients.create(options, json);
        this.scheduler = newScheduler();
        this.images = new ImageCoordinator(docker, options, scheduler, new PendingRemovalsFile(dataDir));
        this.watcher = new ContainerWatcher(docker, scheduler);
        this.launcher = new ContainerLauncher(docker, watcher::watchStarted);
        this.exec = new ExecRunner(docker, options.endpoint().startsWith("unix://"));
        this.credentials = new CredentialResolver(options.authConfigPath());
        this.fingerprinter = new DockerFingerprinter(docker, options.endpoint());
        this.infra = new InfraContainers(docker, images, options);
        // removals an earlier instance left pending are due whether or not any task is recovered
        images.resumePendingRemovals();
    }

    private static ScheduledExecutorService newScheduler() {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "docker-driver-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        return pool;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.builder()
                .signals(true)
                .exec(true)
                .fsIsolation(Capabilities.FsIsolation.IMAGE)
                .volumeMounts(true)
                .dirsInsideTask(ContainerSpec.ALLOC_DIR, ContainerSpec.LOCAL_DIR, ContainerSpec.SECRETS_DIR)
                .build();
    }

    @Override
    public Fingerprint fingerprint() {
        return fingerprinter.fingerprint();
    }

    @Override
    public List<ValidationProblem> validate(TaskConfig task) {
        return DockerTaskSettings.read(task.driverConfig(), options, task.resources())
                .problems();
    }

    /** Pulls the image (shared with other tasks pulling it) and holds a reference to it for this task. */
    @Override
    public PrestartResult prestart(TaskConfig task, EventEmitter events) {
        DockerTaskSettings settings = settings(task);
        watcher.ensureConnected(); // listening for exits by the time the container starts, at no cost to this call
        ImageRef image = ImageRef.parse(settings.image());
        images.acquire(image.canonical(), task.id().key());
        try {
            ensureImage(task, settings, image, events);
        } catch (RuntimeException e) {
            images.release(image.canonical(), task.id().key());
            throw e;
        }
        return PrestartResult.builder()
                .created(CreatedResources.empty().with(IMAGE_RESOURCE, image.canonical()))
                .portMap(settings.portMap())
                .envOverrides(ContainerSpec.dirEnv())
                .build();
    }

    private String ensureImage(TaskConfig task, DockerTaskSettings settings, ImageRef image, EventEmitter events) {
        if (settings.load() != null) {
            events.driverEvent(
                    "Loading image " + image.canonical() + " from " + settings.load(),
                    Map.of("image", image.canonical()));
            ImageTarball.load(docker, task.dirs().localDir(), settings.load());
            images.forget(image.canonical()); // the archive may hold another image of that name
            return images.ensure(image, false, null, options.pullTimeout(), events);
        }
        RegistryCredentials auth = resolveCredentials(settings, image);
        Duration timeout = settings.imagePullTimeout() != null ? settings.imagePullTimeout() : options.pullTimeout();
        return images.ensure(image, settings.forcePull(), auth, timeout, events);
    }

    /** As in Nomad, with {@code auth_soft_fail} a failure to find credentials lets the pull go on without them. */
    private @Nullable RegistryCredentials resolveCredentials(DockerTaskSettings settings, ImageRef image) {
        try {
            return credentials.resolve(settings.auth(), image.registry()).orElse(null);
        } catch (DriverException e) {
            if (!settings.authSoftFail()) {
                throw e;
            }
            LOG.warn(
                    "no registry credentials for {} ({}); pulling without them (auth_soft_fail)",
                    image,
                    e.getMessage());
            return null;
        }
    }

    @Override
    public StartResult start(TaskConfig task, EventEmitter events) {
        DockerTaskSettings settings = settings(task);
        watcher.ensureConnected();
        ImageRef image = ImageRef.parse(settings.image());
        images.acquire(image.canonical(), task.id().key()); // idempotent; covers a start without prestart
        ContainerLauncher.Launched launched = launcher.launch(task, settings, image, () -> {
            images.forget(image.canonical());
            ensureImage(task, settings, image, events);
        });
        DockerTaskHandle handle = new DockerTaskHandle(
                docker,
                watcher,
                scheduler,
                exec,
                launched.containerId(),
                launched.name(),
                image.canonical(),
                options.stopRemovesContainer(),
                removedByStop,
                launched.exit(),
                collectLogs(task, launched.containerId(), settings.tty()));
        LOG.info("started container {} ({}) for task {}", launched.name(), shortId(launched.containerId()), task.id());
        CreatedResources created = CreatedResources.empty()
                .with(IMAGE_RESOURCE, image.canonical())
                .with(CONTAINER_RESOURCE, launched.containerId());
        return StartResult.builder()
                .handle(handle)
                .network(launched.network())
                .created(created)
                .build();
    }

    @Override
    public TaskHandle recover(TaskConfig task, HandleState state, EventEmitter events) {
        if (!NAME.equals(state.driver())) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG, "handle state is of driver " + state.driver() + ", not " + NAME);
        }
        String id = state.require(DockerTaskHandle.CONTAINER_ID);
        InspectContainerResponse inspect;
        try {
            inspect = docker.inspectContainerCmd(id).exec();
        } catch (RuntimeException e) {
            if (EngineErrors.isNotFound(e)) {
                throw DriverException.fatal(
                        ErrorCode.NOT_FOUND, "container " + id + " of task " + task.id() + " no longer exists");
            }
            throw EngineErrors.translate("recover container " + id, e);
        }
        Map<String, String> labels =
                inspect.getConfig() == null ? null : inspect.getConfig().getLabels();
        if (labels == null || !task.id().key().equals(DockerLabels.taskKey(labels))) {
            throw DriverException.fatal(
                    ErrorCode.NOT_FOUND, "container " + id + " is not task " + task.id() + "'s container");
        }
        String image = state.data().get(DockerTaskHandle.IMAGE);
        if (image == null) {
            image = labels.get(DockerLabels.IMAGE);
        }
        if (image == null) {
            // every container of ours is labelled with its image; without one, its image cannot be held or removed
            throw DriverException.fatal(
                    ErrorCode.NOT_FOUND,
                    "container " + id + " of task " + task.id() + " has no " + DockerLabels.IMAGE
                            + " label and the handle state names no image");
        }
        images.acquire(image, task.id().key());
        String name = inspect.getName() == null
                ? DockerLabels.containerName(task.id())
                : inspect.getName().replaceFirst("^/", "");
        boolean tty = inspect.getConfig() != null
                && Boolean.TRUE.equals(inspect.getConfig().getTty());
        return new DockerTaskHandle(
                docker,
                watcher,
                scheduler,
                exec,
                inspect.getId(),
                name,
                image,
                options.stopRemovesContainer(),
                removedByStop,
                watcher.watch(inspect.getId()),
                collectLogs(task, inspect.getId(), tty));
    }

    /**
     * Starts copying the container's output into the task's log files, from where a collector of this container
     * left off when there was one; null (the task runs on, without log files) when the files cannot be opened.
     */
    private @Nullable ContainerLogCollector collectLogs(TaskConfig task, String containerId, boolean tty) {
        try {
            return ContainerLogCollector.start(
                    docker,
                    containerId,
                    tty,
                    task.dirs().logsDir(),
                    task.id().taskName(),
                    task.logs(),
                    ContainerLogCollector.positionFile(task.dirs().taskDir()));
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "cannot collect the logs of task {} into {}: {}",
                    task.id(),
                    task.dirs().logsDir(),
                    e.toString());
            return null;
        }
    }

    /**
     * Finds the running container named after the task, whose labels name the same task, and reattaches to it as
     * {@link #recover} does. A container that is not running is left to the next start, which replaces it.
     */
    @Override
    public Optional<TaskHandle> findUnrecorded(TaskConfig task, EventEmitter events) {
        String name = DockerLabels.containerName(task.id());
        InspectContainerResponse inspect;
        try {
            inspect = docker.inspectContainerCmd(name).exec();
        } catch (RuntimeException e) {
            if (EngineErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw EngineErrors.translate("inspect container " + name, e);
        }
        Map<String, String> labels =
                inspect.getConfig() == null ? null : inspect.getConfig().getLabels();
        boolean running = inspect.getState() != null
                && Boolean.TRUE.equals(inspect.getState().getRunning());
        if (!running || labels == null || !task.id().key().equals(DockerLabels.taskKey(labels))) {
            return Optional.empty();
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put(DockerTaskHandle.CONTAINER_ID, inspect.getId());
        data.put(DockerTaskHandle.CONTAINER_NAME, name);
        String image = labels.get(DockerLabels.IMAGE);
        if (image != null) {
            data.put(DockerTaskHandle.IMAGE, image);
        }
        LOG.info(
                "found task {} running in container {}, started without its handle being recorded",
                task.id(),
                inspect.getId());
        try {
            return Optional.of(recover(task, new HandleState(NAME, DockerTaskHandle.STATE_VERSION, data), events));
        } catch (DriverException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty(); // removed meanwhile
            }
            throw e;
        }
    }

    @Override
    public boolean createsGroupNetworks() {
        return true;
    }

    /** An infra container per allocation, see {@link InfraContainers}; tasks join it with {@code network_mode}. */
    @Override
    public GroupNetwork createGroupNetwork(GroupNetworkRequest request) {
        return infra.create(request);
    }

    @Override
    public Optional<GroupNetwork> findGroupNetwork(String allocId) {
        return infra.find(allocId);
    }

    @Override
    public void destroyGroupNetwork(String allocId) {
        retrying("remove the infra container of allocation " + allocId, () -> {
            infra.destroy(allocId);
            return true;
        });
    }

    /**
     * Removes the task's container and lets go of its image; engine hiccups are retried, then reported once. The
     * container is also looked up by its name, since a create cut off before its answer leaves no recorded id. A
     * container the task's stop already removed costs no engine call.
     */
    @Override
    public void cleanup(TaskConfig task, CreatedResources resources) {
        boolean removedOne = false;
        for (String container : resources.get(CONTAINER_RESOURCE)) {
            removedOne |= removedByStop.take(container)
                    || retrying("remove container " + container, () -> ContainerRemover.remove(docker, container));
        }
        // every container of the task has its name, so a recorded one that existed held it: none can be left
        if (!removedOne) {
            String name = DockerLabels.containerName(task.id());
            retrying("remove container " + name, () -> ContainerLauncher.removeIfTasks(docker, task, name));
        }
        for (String image : resources.get(IMAGE_RESOURCE)) {
            images.release(image, task.id().key());
        }
    }

    private boolean retrying(String action, BooleanSupplier call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.getAsBoolean();
            } catch (DriverException e) {
                if (!e.isRecoverable() || attempt >= CLEANUP_ATTEMPTS) {
                    throw e;
                }
                LOG.info("{} failed ({}); retrying", action, e.getMessage());
                Backoff.sleep(attempt);
            }
        }
    }

    private DockerTaskSettings settings(TaskConfig task) {
        DockerTaskSettings.Read read = DockerTaskSettings.read(task.driverConfig(), options, task.resources());
        return read.valid();
    }

    /** The image coordinator, for tests and benchmarks in this package. */
    ImageCoordinator images() {
        return images;
    }

    /** The engine client, for tests in this package. */
    DockerClient client() {
        return docker;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watcher.close();
        images.close();
        scheduler.shutdownNow();
        try {
            docker.close();
        } catch (IOException e) {
            LOG.debug("closing docker client: {}", e.toString());
        }
    }

    private static String shortId(String id) {
        return id.substring(0, Math.min(12, id.length()));
    }
}
