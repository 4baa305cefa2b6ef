package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.TaskConfig;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and starts a task's container, and takes the first look at it (the exit watcher's, which also gives its
 * network). A stale container of ours with the same name (left by an engine
 * or host restart) is removed and the create retried; a container of that name that is not ours is never touched.
 * A container that fails to start is removed, so nothing leaks.
 */
final class ContainerLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerLauncher.class);
    private static final int START_ATTEMPTS = 3;
    /** How long a create waits for the engine to finish removing a stale container of the same name. */
    private final DockerClient docker;

    private final FirstLook firstLook;

    /** Takes the first look at a container just started (one inspect), and watches for its exit. */
    @FunctionalInterface
    interface FirstLook {
        ContainerWatcher.Started started(String containerId);
    }

    ContainerLauncher(DockerClient docker, FirstLook firstLook) {
        this.docker = docker;
        this.firstLook = firstLook;
    }

    /** What start produced. */
    record Launched(
            String containerId, String name, Optional<DriverNetwork> network, CompletableFuture<ExitResult> exit) {}

    /**
     * @param repull pulls the image again when the engine says it is missing (removed under us); returns nothing
     */
    Launched launch(TaskConfig task, DockerTaskSettings settings, ImageRef image, Runnable repull) {
        String name = DockerLabels.containerName(task.id());
        String id = create(task, settings, image, name, repull);
        try {
            start(id, name);
        } catch (RuntimeException e) {
            StaleEndpoint stale = StaleEndpoint.parse(EngineErrors.reason(e)).orElse(null);
            if (stale == null) {
                removeAfterFailure(id, name);
                throw EngineErrors.translate("start container " + name, e);
            }
            id = recreateAfterStaleEndpoint(task, settings, image, name, id, stale, repull);
        }
        try {
            // the joined container's address first: a failure there leaves nothing watched
            Optional<DriverNetwork> joined =
                    settings.networkMode().startsWith("container:") ? joinedNetwork(settings) : Optional.empty();
            ContainerWatcher.Started started = firstLook.started(id);
            Optional<DriverNetwork> network =
                    settings.networkMode().startsWith("container:") ? joined : network(started.inspect(), settings);
            return new Launched(id, name, network, started.exit());
        } catch (RuntimeException e) {
            removeAfterFailure(id, name);
            throw EngineErrors.translate("inspect container " + name, e);
        }
    }

    /**
     * The engine kept a network endpoint of a container it forgot across a restart (a known engine issue), so no
     * container of that name can join the network. Remove ours, drop the endpoint, and try once more; a second
     * failure is recoverable, so the runner's restart policy gets its turn. Returns the started container's id.
     */
    private String recreateAfterStaleEndpoint(
            TaskConfig task,
            DockerTaskSettings settings,
            ImageRef image,
            String name,
            String id,
            StaleEndpoint stale,
            Runnable repull) {
        LOG.info(
                "start of container {} found a stale endpoint {} in network {}; recreating it",
                name,
                stale.endpoint(),
                stale.network());
        try {
            ContainerRemover.remove(docker, id);
        } catch (DriverException e) {
            removeAfterFailure(id, name);
            throw e;
        }
        try {
            docker.disconnectFromNetworkCmd()
                    .withNetworkId(stale.network())
                    .withContainerId(stale.endpoint())
                    .withForce(true)
                    .exec();
        } catch (RuntimeException e) {
            // already gone is what we want; anything else shows up again in the start below
            LOG.info(
                    "disconnecting endpoint {} from network {}: {}",
                    stale.endpoint(),
                    stale.network(),
                    EngineErrors.reason(e));
        }
        String again = create(task, settings, image, name, repull);
        try {
            docker.startContainerCmd(again).exec();
            return again;
        } catch (RuntimeException e) {
            removeAfterFailure(again, name);
            throw DriverException.recoverable(
                    ErrorCode.EXTERNAL,
                    "start container " + name + " after removing a stale network endpoint: " + EngineErrors.reason(e),
                    e);
        }
    }

    private String create(TaskConfig task, DockerTaskSettings settings, ImageRef image, String name, Runnable repull) {
        boolean removedStale = false;
        boolean pulledAgain = false;
        while (true) {
            try (CreateContainerCmd cmd = docker.createContainerCmd(image.canonical())) {
                ContainerSpec.apply(cmd, task, settings, image);
                return cmd.exec().getId();
            } catch (RuntimeException e) {
                if (EngineErrors.isConflict(e) && !removedStale) {
                    removeStale(name);
                    removedStale = true;
                } else if (EngineErrors.isNotFound(e)
                        && EngineErrors.meansUnknownImage(EngineErrors.reason(e))
                        && !pulledAgain) {
                    LOG.info("image {} vanished before create; pulling it again", image);
                    repull.run();
                    pulledAgain = true;
                } else {
                    if (EngineErrors.isRecoverable(e)) {
                        removeOrphan(task, name);
                    }
                    throw EngineErrors.translate("create container " + name, e);
                }
            }
        }
    }

    /**
     * A create cut off by a broken connection or an engine going down may still have made the container; without
     * its id nobody would remove it, so look it up by its name and remove it when it is this task's. If the engine
     * cannot be asked now, cleanup does the same later.
     */
    private void removeOrphan(TaskConfig task, String name) {
        try {
            if (removeIfTasks(docker, task, name)) {
                LOG.info("removed container {} whose create had failed", name);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not check for a container {} left by a failed create: {}", name, EngineErrors.reason(e));
        }
    }

    /**
     * Removes the container named {@code name} when its labels say it belongs to {@code task}; returns whether one
     * was removed. Throws translated engine errors.
     */
    static boolean removeIfTasks(DockerClient docker, TaskConfig task, String name) {
        InspectContainerResponse existing;
        try {
            existing = docker.inspectContainerCmd(name).exec();
        } catch (RuntimeException e) {
            if (EngineErrors.isNotFound(e)) {
                return false;
            }
            throw EngineErrors.translate("inspect container " + name, e);
        }
        Map<String, String> labels =
                existing.getConfig() == null ? null : existing.getConfig().getLabels();
        if (!task.id().key().equals(DockerLabels.taskKey(labels))) {
            return false;
        }
        return ContainerRemover.remove(docker, existing.getId());
    }

    private void removeStale(String name) {
        InspectContainerResponse existing;
        try {
            existing = docker.inspectContainerCmd(name).exec();
        } catch (RuntimeException e) {
            if (EngineErrors.isNotFound(e)) {
                return; // gone meanwhile: just retry
            }
            throw EngineErrors.translate("inspect container " + name, e);
        }
        Map<String, String> labels =
                existing.getConfig() == null ? null : existing.getConfig().getLabels();
        if (!DockerLabels.isOurs(labels)) {
            throw DriverException.fatal(
                    ErrorCode.EXTERNAL,
                    "a container named " + name
                            + " exists and is not managed by taskdrivers (no " + DockerLabels.MANAGED
                            + " label); it was left alone");
        }
        LOG.info("removing stale container {} ({}) left from an earlier run", name, existing.getId());
        ContainerRemover.remove(docker, existing.getId()); // waits for a removal in progress: it keeps the name
    }

    private void start(String id, String name) {
        for (int attempt = 1; ; attempt++) {
            try {
                docker.startContainerCmd(id).exec();
                return;
            } catch (RuntimeException e) {
                if (attempt >= START_ATTEMPTS || !EngineErrors.isRecoverable(e)) {
                    throw e;
                }
                LOG.info("start of container {} failed ({}); retrying", name, EngineErrors.reason(e));
                Backoff.sleep(attempt);
            }
        }
    }

    private void removeAfterFailure(String id, String name) {
        try {
            ContainerRemover.remove(docker, id);
        } catch (RuntimeException e) {
            LOG.warn("could not remove container {} after its start failed: {}", name, e.getMessage());
        }
    }

    /**
     * The address of the container whose network a {@code container:<id>} task joined (a bridge group's infra
     * container), with the task's port map: the ports the task listens on inside that namespace. Not advertised.
     */
    private Optional<DriverNetwork> joinedNetwork(DockerTaskSettings settings) {
        String target = settings.networkMode().substring("container:".length());
        InspectContainerResponse joined = docker.inspectContainerCmd(target).exec();
        if (joined.getNetworkSettings() == null || joined.getNetworkSettings().getNetworks() == null) {
            return Optional.empty();
        }
        return joined.getNetworkSettings().getNetworks().values().stream()
                .map(ContainerNetwork::getIpAddress)
                .filter(ip -> ip != null && !ip.isBlank())
                .findFirst()
                .map(ip -> DriverNetwork.builder()
                        .ip(ip)
                        .portMap(settings.portMap())
                        .autoAdvertise(false)
                        .build());
    }

    /**
     * The container's address on its network; the default bridge is not advertised, other networks are. With
     * {@code advertise_ipv6_address} it is the container's global IPv6 address, advertised on any network, as in
     * Nomad; a container without one has no driver address then, rather than an IPv4 one the user did not ask for.
     */
    static Optional<DriverNetwork> network(InspectContainerResponse inspect, DockerTaskSettings settings) {
        String mode = settings.networkMode().toLowerCase(Locale.ROOT);
        if (!ContainerSpec.publishesPorts(mode)
                || inspect.getNetworkSettings() == null
                || inspect.getNetworkSettings().getNetworks() == null) {
            return Optional.empty();
        }
        boolean defaultBridge = mode.equals("bridge") || mode.equals("default");
        ContainerNetwork net =
                inspect.getNetworkSettings().getNetworks().get(defaultBridge ? "bridge" : settings.networkMode());
        if (net == null) {
            return Optional.empty();
        }
        boolean ipv6 = settings.network().advertiseIpv6Address();
        String ip = ipv6 ? net.getGlobalIPv6Address() : net.getIpAddress();
        if (ip == null || ip.isBlank()) {
            if (ipv6) {
                LOG.warn(
                        "container {} has no IPv6 address on network {}; advertise_ipv6_address leaves it"
                                + " without a driver address",
                        inspect.getName(),
                        settings.networkMode());
            }
            return Optional.empty();
        }
        return Optional.of(DriverNetwork.builder()
                .ip(ip)
                .portMap(settings.portMap())
                .autoAdvertise(ipv6 || !defaultBridge)
                .build());
    }
}
