package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.GroupNetwork;
import dev.taskdrivers.api.GroupNetworkRequest;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The infra containers that hold the network namespace of an allocation in a {@code bridge} group: one per
 * allocation, running the operator's {@code infra_image} with stdin held open (so a pause image waits and a shell
 * image waits too), publishing every granted host port of the group to its {@code port_map} port (else the same
 * number). It carries our labels, the allocation id and {@link #ROLE}, so it is found again by label after a restart
 * and seen by the leak audits; tasks join it with {@code network_mode = "container:<id>"}.
 */
final class InfraContainers {
    /** The label that marks the infra container of an allocation. */
    static final String ROLE = DockerLabels.PREFIX + "role";

    static final String ROLE_NETWORK = "network";
    private static final Logger LOG = LoggerFactory.getLogger(InfraContainers.class);
    private static final EventEmitter NO_EVENTS = event -> {};

    private final DockerClient docker;
    private final ImageCoordinator images;
    private final DockerDriverOptions options;

    InfraContainers(DockerClient docker, ImageCoordinator images, DockerDriverOptions options) {
        this.docker = docker;
        this.images = images;
        this.options = options;
    }

    /** Creates and starts the allocation's infra container, or returns the one it has (started again if stopped). */
    GroupNetwork create(GroupNetworkRequest request) {
        Optional<GroupNetwork> existing = find(request.allocId());
        if (existing.isPresent()) {
            return existing.get();
        }
        ImageRef image = ImageRef.parse(options.infraImage());
        images.ensure(image, false, null, options.infraImagePullTimeout(), NO_EVENTS);
        String name = name(request.allocId());
        CreateContainerCmd cmd = docker.createContainerCmd(image.canonical())
                .withName(name)
                .withLabels(labels(request))
                .withStdinOpen(true);
        Ports ports = new Ports();
        List<ExposedPort> exposed = new ArrayList<>();
        for (TaskConfig task : request.tasks()) {
            Map<String, Integer> portMap = portMap(task);
            for (Port port : task.resources().ports()) {
                int inside = portMap.getOrDefault(port.label(), port.value());
                for (ExposedPort e : List.of(ExposedPort.tcp(inside), ExposedPort.udp(inside))) {
                    exposed.add(e);
                    ports.bind(e, Ports.Binding.bindIpAndPort(port.hostIp(), port.value()));
                }
            }
        }
        cmd.withExposedPorts(exposed).withHostConfig(HostConfig.newHostConfig().withPortBindings(ports));
        String id;
        try {
            id = cmd.exec().getId();
        } catch (RuntimeException e) {
            List<Container> stale = EngineErrors.isConflict(e) ? list(request.allocId()) : List.of();
            if (stale.isEmpty()) {
                throw EngineErrors.translate("create infra container " + name, e);
            }
            for (Container c : stale) {
                if ("running".equals(c.getState())) {
                    return network(c.getId()); // created meanwhile by another call
                }
            }
            // the allocation's own infra container, which find() could not start again: replace it
            LOG.info("replacing infra container {} of allocation {}, which cannot be started", name, request.allocId());
            stale.forEach(c -> ContainerRemover.remove(docker, c.getId()));
            try {
                id = cmd.exec().getId();
            } catch (RuntimeException again) {
                throw EngineErrors.translate("create infra container " + name, again);
            }
        }
        try {
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            removeQuietly(id);
            throw EngineErrors.translate("start infra container " + name, e);
        }
        LOG.info("started infra container {} for allocation {}", name, request.allocId());
        return network(id);
    }

    /** The allocation's infra container, started again when it stopped (e.g. after an engine restart). */
    Optional<GroupNetwork> find(String allocId) {
        for (Container c : list(allocId)) {
            if (!"running".equals(c.getState())) {
                try {
                    docker.startContainerCmd(c.getId()).exec();
                } catch (RuntimeException e) {
                    LOG.warn("cannot start infra container {} again: {}", c.getId(), EngineErrors.reason(e));
                    continue;
                }
            }
            return Optional.of(network(c.getId()));
        }
        return Optional.empty();
    }

    /** Removes the allocation's infra containers; none left is no error. */
    void destroy(String allocId) {
        for (Container c : list(allocId)) {
            if (ContainerRemover.remove(docker, c.getId())) {
                LOG.info("removed infra container {} of allocation {}", c.getId(), allocId);
            }
        }
    }

    private List<Container> list(String allocId) {
        try {
            return docker.listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(
                            Map.of(DockerLabels.MANAGED, "true", DockerLabels.ALLOC_ID, allocId, ROLE, ROLE_NETWORK))
                    .exec();
        } catch (RuntimeException e) {
            throw EngineErrors.translate("list the infra containers of allocation " + allocId, e);
        }
    }

    private void removeQuietly(String id) {
        try {
            ContainerRemover.remove(docker, id);
        } catch (RuntimeException e) {
            LOG.warn("could not remove infra container {} after its start failed: {}", id, e.getMessage());
        }
    }

    private Map<String, String> labels(GroupNetworkRequest request) {
        Map<String, String> labels = new HashMap<>();
        labels.put(DockerLabels.MANAGED, "true");
        labels.put(DockerLabels.ALLOC_ID, request.allocId());
        labels.put(DockerLabels.JOB_NAME, request.tasks().get(0).id().jobName());
        labels.put(ROLE, ROLE_NETWORK);
        return labels;
    }

    /** The task's {@code port_map} (validated before); a config that cannot be read maps no port. */
    private Map<String, Integer> portMap(TaskConfig task) {
        DockerTaskSettings settings = DockerTaskSettings.read(task.driverConfig(), options, task.resources())
                .settings();
        return settings == null ? Map.of() : settings.portMap();
    }

    private static GroupNetwork network(String containerId) {
        return GroupNetwork.builder(containerId)
                .taskOption("network_mode", "container:" + containerId)
                .build();
    }

    /** The infra container's name: the allocation's, which no task container (task name, dash, alloc id) takes. */
    static String name(String allocId) {
        return allocId + "-network";
    }
}
