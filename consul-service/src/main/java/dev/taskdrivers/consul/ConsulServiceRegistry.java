package dev.taskdrivers.consul;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.consul.internal.ServiceIds;
import dev.taskdrivers.consul.internal.ServiceValidation;
import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.services.CheckWatch;
import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ServiceRegistry} backed by a Consul agent: one client and one sync loop for every task and for the
 * embedding process's own services.
 *
 * <p>Calls return at once; a background loop applies them (see {@link SyncLoop}). Services and checks are owned by
 * ID prefix (see {@link ServiceIds}); nothing else in the agent is touched. Script checks are registered as TTL
 * checks and run through the task handle's exec. After a restart, services of ours that nobody registered again are
 * kept until {@link #recoveryComplete()} or the probation period ends, so restored tasks are never deregistered
 * early. The results of a task's checks, for the runner's {@code check_restart}, are read from the agent by one
 * poller for every task (see {@link #watchChecks}). {@link #close()} flushes pending work within the shutdown
 * timeout and removes the agent's own services; task services stay for the next runner to adopt.
 */
public final class ConsulServiceRegistry implements ServiceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulServiceRegistry.class);

    private final ConsulOptions options;
    private final ServiceIds ids;
    private final ServiceTranslator translator;
    private final RequestCounter requests = new RequestCounter();
    private final Counters counters = new Counters();
    private final ConsulAgent agent;
    private final ScriptChecks scripts;
    private final SyncLoop loop;
    private final CheckResultPoller results;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ConsulServiceRegistry(ConsulOptions options) {
        this.options = options;
        this.ids = new ServiceIds(options.idPrefix());
        this.translator = new ServiceTranslator(ids);
        this.agent = KiwiConsulAgent.connect(options, requests);
        SyncLoop[] self = new SyncLoop[1];
        this.scripts = new ScriptChecks(agent, counters, () -> self[0].requestSync(), 4);
        this.loop = new SyncLoop(agent, ids, options, counters, scripts::reconcile);
        self[0] = loop;
        this.results = new CheckResultPoller(agent::checks);
        this.thread = new Thread(loop, "consul-sync");
        this.thread.setDaemon(true);
    }

    /** A registry talking to the agent in {@code options}; its sync loop starts at once. */
    public static ConsulServiceRegistry start(ConsulOptions options) {
        ConsulServiceRegistry registry = new ConsulServiceRegistry(options);
        registry.thread.start();
        LOG.info("consul registry started for {} (ID prefix {})", options.address(), options.idPrefix());
        return registry;
    }

    /** {@inheritDoc} Consul's rules: the name is a DNS label, http check paths start with '/', methods are HTTP's. */
    @Override
    public List<ValidationProblem> validate(ServiceSpec service) {
        return ServiceValidation.service(service);
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.taskdrivers.api.ValidationException listing every problem of the task's services (unknown port
     *         labels, address_mode driver without a driver network, a script check without an exec-capable handle)
     */
    @Override
    public void registerTask(TaskServices task) {
        requireOpen();
        loop.submit(new SyncLoop.Put(owner(task), translator.task(task)));
    }

    @Override
    public void removeTask(TaskServices task) {
        requireOpen();
        Set<String> serviceIds = new HashSet<>();
        for (ServiceSpec s : task.services()) {
            serviceIds.add(ids.taskService(task.taskId(), s.name(), s.portLabel()));
        }
        loop.submit(new SyncLoop.Remove(owner(task), serviceIds));
    }

    /** {@inheritDoc} True: read from the agent's checks. */
    @Override
    public boolean reportsCheckResults() {
        return true;
    }

    /**
     * {@inheritDoc} One thread for every task reads the agent's checks (one request for all of them) when a watched
     * check is due, once per check interval (at least a second, Consul's shortest), and reports each due check's
     * status and output as the agent has them then: a script check's as the registry last ran it, an http, tcp or
     * grpc check's as the agent last ran it.
     *
     * @throws dev.taskdrivers.api.ValidationException when the task's services could not be registered either
     */
    @Override
    public CheckWatch watchChecks(TaskServices task, Consumer<CheckStatus> listener) {
        requireOpen();
        List<DueChecks.Watched> watched = new ArrayList<>();
        for (WantedService s : translator.task(task)) {
            for (WantedCheck c : s.checks()) {
                watched.add(new DueChecks.Watched(c.id(), task.taskId(), s.name(), c.name(), c.type(), c.interval()));
            }
        }
        if (watched.isEmpty()) {
            return CheckWatch.NONE;
        }
        return results.watch(watched, listener);
    }

    /**
     * Advertises services of the embedding process itself (replacing what it advertised before under the same
     * agent name). They are removed on {@link #close()}.
     *
     * @throws dev.taskdrivers.api.ValidationException listing every problem of the services
     */
    public void advertiseAgent(AgentServices services) {
        requireOpen();
        loop.submit(new SyncLoop.Put("agent:" + services.agentName(), translator.agent(services)));
    }

    /** Stops advertising the embedding process's services under {@code agentName}. */
    public void withdrawAgent(String agentName) {
        requireOpen();
        loop.submit(new SyncLoop.Remove("agent:" + agentName, Set.of()));
    }

    @Override
    public void recoveryComplete() {
        loop.recoveryComplete();
    }

    /**
     * A future that completes once every call made before it has reached the agent, or exceptionally if the registry
     * closes first. Registration never waits for it; it is for callers that must know (tests, shutdown hooks).
     */
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.submit(new SyncLoop.Flush(done));
        return done;
    }

    /** What the registry did so far. */
    public RegistryCounters counters() {
        return counters.snapshot(requests);
    }

    /** How many tasks' checks are watched now (see {@link #watchChecks}); none means the agent's checks are not read. */
    int checkWatches() {
        return results.watches();
    }

    /** The ID scheme, e.g. to find this registry's services in the agent. */
    public ServiceIds ids() {
        return ids;
    }

    public ConsulOptions options() {
        return options;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        results.close();
        scripts.close();
        loop.close();
        try {
            thread.join(options.shutdownTimeout().plus(Duration.ofSeconds(12)).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        agent.close();
        LOG.info("consul registry closed");
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the consul registry is closed");
        }
    }

    private static String owner(TaskServices task) {
        return "task:" + task.taskId().key();
    }

    @Override
    public String toString() {
        return "ConsulServiceRegistry[" + options.address() + ", prefix " + options.idPrefix() + "]";
    }
}
