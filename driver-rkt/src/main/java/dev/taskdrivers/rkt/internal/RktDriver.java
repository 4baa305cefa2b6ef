package dev.taskdrivers.rkt.internal;

import dev.taskdrivers.api.Capabilities;
import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.hostprocess.CommandResult;
import dev.taskdrivers.hostprocess.LogRotator;
import dev.taskdrivers.hostprocess.RotatingLogFile;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each task as a rkt pod: {@code rkt prepare} prints the pod UUID, which is persisted at once, then
 * {@code rkt run-prepared} runs it. Every rkt call is an argument list; nothing goes through a shell.
 */
public final class RktDriver implements Driver {
    public static final String NAME = "rkt";
    /** Created resource kind: a pod UUID to remove with {@code rkt rm}. */
    public static final String POD_RESOURCE = "rkt_pod";

    private static final Logger LOG = LoggerFactory.getLogger(RktDriver.class);
    private static final Duration FORCED_STOP_WAIT = Duration.ofSeconds(5);

    private final RktDriverOptions options;
    private final RktCli rkt;
    private final PodUuidStore uuids;
    private final LogRotator logRotator = new LogRotator("rkt-log-rotator");
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rkt-driver");
        t.setDaemon(true);
        return t;
    });

    public RktDriver(RktDriverOptions options) {
        this.options = options;
        this.rkt = new RktCli(options.rktPath());
        this.uuids = new PodUuidStore(options.dataDir());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.builder()
                .exec(true)
                .fsIsolation(Capabilities.FsIsolation.IMAGE)
                .build();
    }

    @Override
    public Fingerprint fingerprint() {
        CommandResult r;
        try {
            r = rkt.version();
        } catch (IOException e) {
            return Fingerprint.unhealthy("rkt not found at " + options.rktPath() + ": " + e.getMessage());
        }
        Optional<RktVersion> version = RktVersion.parse(r.stdout());
        if (!r.ok() || version.isEmpty()) {
            return Fingerprint.unhealthy(options.rktPath() + " version failed: " + r.message());
        }
        if (!version.get().atLeast(RktVersion.MINIMUM)) {
            return Fingerprint.unhealthy(
                    "rkt " + version.get().rkt() + " is older than the minimum " + RktVersion.MINIMUM);
        }
        return Fingerprint.healthy(
                "rkt " + version.get().rkt(),
                Map.of(
                        "driver.rkt.version",
                        version.get().rkt(),
                        "driver.rkt.appc.version",
                        version.get().appc()));
    }

    /**
     * {@inheritDoc} A task without ports in its resources is taken as checked before its ports were granted, so
     * {@code port_map} labels are checked against them only at prestart and start.
     */
    @Override
    public List<ValidationProblem> validate(TaskConfig task) {
        return problems(
                task, RktTaskConfig.parse(task, !task.resources().ports().isEmpty()));
    }

    /** The config's problems and the task's own: rkt runs the app as its image says, never as the task's user. */
    private static List<ValidationProblem> problems(TaskConfig task, RktTaskConfig.Parsed parsed) {
        if (task.user() == null) {
            return parsed.problems();
        }
        List<ValidationProblem> problems = new ArrayList<>(parsed.problems());
        problems.add(new ValidationProblem(
                "user",
                "user is not supported by the rkt driver: the pod's app runs as"
                        + " the user its image names, not as \"" + task.user() + "\"; remove user from the task"));
        return problems;
    }

    @Override
    public PrestartResult prestart(TaskConfig task, EventEmitter events) {
        ValidationException.throwIfAny(problems(task, RktTaskConfig.parse(task, true)));
        // Ports map to manifest port names, not numbers: the task listens on what the image declares.
        return PrestartResult.empty();
    }

    @Override
    public StartResult start(TaskConfig task, EventEmitter events) {
        RktTaskConfig.Parsed parsed = RktTaskConfig.parse(task, true);
        ValidationException.throwIfAny(problems(task, parsed));
        RktTaskConfig config = Objects.requireNonNull(parsed.config(), "config of a valid task");
        removeLeftoverPod(task);
        if (config.trustPrefix() != null) {
            rkt.trust(config.trustPrefix());
        }
        events.driverEvent("Preparing pod from " + config.image(), Map.of("image", config.image()));
        String uuid =
                rkt.prepare(RktCommands.prepare(rkt.path(), task, config), options.prepareTimeout(), config.image());
        try {
            uuids.save(task.id(), uuid);
        } catch (IOException e) {
            removePod(uuid);
            throw DriverException.fatal(
                    ErrorCode.EXTERNAL, "cannot persist the pod UUID of " + task.id() + ": " + e.getMessage(), e);
        }
        LOG.info("{}: prepared pod {} from {}", task.id(), uuid, config.image());
        events.driverEvent("Prepared pod " + uuid, Map.of("uuid", uuid));
        Process runner;
        List<RotatingLogFile> logs;
        try {
            Files.createDirectories(task.dirs().logsDir());
            logs = RotatingLogFile.openBoth(task.dirs().logsDir(), task.id().taskName(), task.logs());
            runner = rkt.runPrepared(
                    RktCommands.runPrepared(rkt.path(), config, uuid),
                    logs.get(0).currentFile(),
                    logs.get(1).currentFile());
        } catch (IOException e) {
            removePod(uuid);
            forget(task, uuid);
            throw DriverException.fatal(ErrorCode.EXTERNAL, "cannot run pod " + uuid + ": " + e.getMessage(), e);
        }
        RktTaskHandle handle =
                RktTaskHandle.started(task.id().toString(), uuid, rkt, scheduler, runner, logRotator.watch(logs));
        Optional<DriverNetwork> network = config.hostNetwork() ? Optional.empty() : awaitNetwork(task, handle, events);
        return StartResult.builder()
                .handle(handle)
                .network(network)
                .created(CreatedResources.empty().with(POD_RESOURCE, uuid))
                .build();
    }

    /** Polls {@code rkt status} until the pod has an address, for at most the network timeout. */
    private Optional<DriverNetwork> awaitNetwork(TaskConfig task, RktTaskHandle handle, EventEmitter events) {
        long deadline = System.nanoTime() + options.networkTimeout().toNanos();
        while (handle.runnerAlive()) {
            try {
                Optional<PodStatus.Network> net = rkt.status(handle.uuid()).flatMap(PodStatus::firstNetwork);
                if (net.isPresent()) {
                    return Optional.of(DriverNetwork.builder()
                            .ip(net.get().ip())
                            .autoAdvertise(true)
                            .build());
                }
            } catch (DriverException e) {
                LOG.debug("{}: rkt status not ready yet: {}", task.id(), e.getMessage());
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            try {
                Thread.sleep(options.statusPollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        events.driverEvent(
                "Pod " + handle.uuid() + " reported no network within "
                        + options.networkTimeout().toMillis() + " ms",
                Map.of("uuid", handle.uuid()));
        return Optional.empty();
    }

    @Override
    public TaskHandle recover(TaskConfig task, HandleState state, EventEmitter events) {
        if (!NAME.equals(state.driver()) || state.version() != RktTaskHandle.STATE_VERSION) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG,
                    "handle state is not a rkt state of version " + RktTaskHandle.STATE_VERSION + ": driver "
                            + state.driver() + ", version " + state.version());
        }
        String uuid = state.require("uuid");
        Optional<PodStatus> status = rkt.status(uuid);
        if (status.isEmpty() || !status.get().running()) {
            throw DriverException.fatal(
                    ErrorCode.NOT_FOUND,
                    "pod " + uuid + " of " + task.id() + " is "
                            + status.map(PodStatus::state).orElse("gone"));
        }
        LOG.info("{}: reattached to pod {}", task.id(), uuid);
        return RktTaskHandle.recovered(
                task.id().toString(),
                uuid,
                rkt,
                scheduler,
                logRotator.watch(RotatingLogFile.openBoth(
                        task.dirs().logsDir(), task.id().taskName(), task.logs())));
    }

    @Override
    public void cleanup(TaskConfig task, CreatedResources resources) {
        for (String uuid : resources.get(POD_RESOURCE)) {
            if (!removePod(uuid)) {
                throw new DriverException(
                        ErrorCode.EXTERNAL, true, "rkt rm " + uuid + " of " + task.id() + " was refused", null);
            }
            forget(task, uuid);
        }
    }

    /** A pod prepared by an earlier attempt whose runner died before recording it: remove it, do not leak it. */
    private void removeLeftoverPod(TaskConfig task) {
        uuids.load(task.id()).ifPresent(old -> {
            LOG.warn("{}: removing pod {} left by an earlier start", task.id(), old);
            removePod(old);
            forget(task, old);
        });
    }

    /** Stops (forcibly) and removes a pod; true when it is gone. */
    private boolean removePod(String uuid) {
        Optional<PodStatus> status = rkt.status(uuid);
        if (status.isEmpty()) {
            return true;
        }
        if (status.get().running()) {
            rkt.stop(uuid, true);
            long deadline = System.nanoTime() + FORCED_STOP_WAIT.toNanos();
            while (rkt.status(uuid).map(PodStatus::running).orElse(false) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return rkt.rm(uuid);
    }

    private void forget(TaskConfig task, String uuid) {
        try {
            uuids.forget(task.id(), uuid);
        } catch (IOException e) {
            LOG.warn("{}: cannot forget pod {}: {}", task.id(), uuid, e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        logRotator.close();
    }
}
