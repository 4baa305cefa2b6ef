package dev.taskdrivers.exec.internal.java;

import dev.taskdrivers.api.Capabilities;
import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
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
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.internal.isolated.IsolatedExecDriver;
import dev.taskdrivers.exec.internal.isolated.IsolatedExecOptions;
import dev.taskdrivers.exec.internal.raw.RawExecDriver;
import dev.taskdrivers.exec.java.JavaDriverFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Java programs: each task is {@code java [jvm_options] -jar JAR args} (or {@code -cp CLASS_PATH CLASS args}),
 * started, supervised, stopped and recovered by the exec machinery. With {@code isolation = "chroot"} (the default)
 * that is the exec driver's: a chroot of read-only bind mounts, in which the JDK's home is bound too when no
 * {@code chroot_env} path already holds it, namespaces and a cgroup whose memory limit the JVM is told of; with
 * {@code isolation = "none"} it is raw_exec's plain host processes.
 */
public final class JavaDriver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(JavaDriver.class);

    private final JavaOptions options;
    private final Jdk.Found jdk;
    private final Driver machinery;
    /** Host path to chroot path of every read-only bind, the JDK's included; empty without isolation. */
    private final Map<String, String> chrootEnv;
    /** The java command as the task sees it. */
    private final String javaForTask;

    private volatile @Nullable JdkVersion version;

    public JavaDriver(DriverContext context, JavaOptions options) {
        this(context, options, System.getenv());
    }

    JavaDriver(DriverContext context, JavaOptions options, Map<String, String> environment) {
        this.options = options;
        this.jdk = Jdk.find(options.javaHome(), environment);
        if (options.isolation() == JavaIsolation.CHROOT) {
            IsolatedExecOptions exec = options.exec().orElseThrow();
            Map<String, String> binds = new LinkedHashMap<>(exec.chrootEnv());
            String inChroot = jdk.jdk().map(j -> JdkInChroot.javaPath(j, binds)).orElse("java");
            this.chrootEnv = Map.copyOf(binds);
            this.javaForTask = inChroot;
            this.machinery = new IsolatedExecDriver(
                    context,
                    new IsolatedExecOptions(
                            binds,
                            exec.allowRoot(),
                            exec.cgroupParent(),
                            exec.defaultPidsLimit(),
                            exec.forkServer(),
                            exec.allowCaps()));
        } else {
            this.chrootEnv = Map.of();
            this.javaForTask = jdk.jdk().map(j -> j.java().toString()).orElse("java");
            this.machinery = new RawExecDriver(context, options.raw().orElseThrow());
        }
    }

    @Override
    public String name() {
        return JavaDriverFactory.NAME;
    }

    @Override
    public Capabilities capabilities() {
        return machinery.capabilities();
    }

    @Override
    public Fingerprint fingerprint() {
        Optional<Jdk> found = jdk.jdk();
        if (found.isEmpty()) {
            return options.javaHome() == null
                    ? Fingerprint.undetected(jdk.whyNone())
                    : Fingerprint.unhealthy(jdk.whyNone());
        }
        JdkVersion v = version;
        if (v == null) {
            try {
                v = JdkVersion.probe(found.get());
                version = v;
            } catch (IOException e) {
                return Fingerprint.unhealthy(
                        "the JDK at " + found.get().home() + " does not answer: " + e.getMessage());
            }
        }
        return JavaFingerprint.of(found.get(), v, options.isolation(), machinery.fingerprint());
    }

    @Override
    public List<ValidationProblem> validate(TaskConfig task) {
        JavaTaskConfig config = read(task);
        LinkedHashSet<ValidationProblem> problems = new LinkedHashSet<>(config.problems());
        for (ValidationProblem p : machinery.validate(forMachinery(task, config))) {
            if (isTasks(p)) {
                problems.add(p);
            }
        }
        return new ArrayList<>(problems);
    }

    /**
     * Whether a problem the machinery found is of the task's own fields: command and args are the driver's own
     * making, and a problem with them is the JDK's, told by the fingerprint.
     */
    private static boolean isTasks(ValidationProblem p) {
        return !p.field().equals("config.command") && !p.field().startsWith("config.args");
    }

    /** {@inheritDoc} Here: those of the machinery that runs the JVM, e.g. an oom_score_adj without choom. */
    @Override
    public List<ValidationProblem> nodeProblems(TaskConfig task) {
        return machinery.nodeProblems(forMachinery(task, read(task))).stream()
                .filter(JavaDriver::isTasks)
                .toList();
    }

    @Override
    public PrestartResult prestart(TaskConfig task, EventEmitter events) {
        ValidationException.throwIfAny(validate(task));
        requireJdk();
        return machinery.prestart(forMachinery(task, read(task)), events);
    }

    @Override
    public StartResult start(TaskConfig task, EventEmitter events) {
        JavaTaskConfig config = read(task);
        List<ValidationProblem> problems = new ArrayList<>(validate(task));
        problems.addAll(config.missingFiles());
        ValidationException.throwIfAny(problems);
        Jdk java = requireJdk();
        TaskConfig run = forMachinery(task, config);
        StartResult started = machinery.start(run, events);
        LOG.info(
                "started java task {} with {} ({})",
                task.id(),
                java.home(),
                options.isolation().text());
        return started.toBuilder()
                .handle(new JavaTaskHandle(started.handle(), options.isolation()))
                .build();
    }

    @Override
    public TaskHandle recover(TaskConfig task, HandleState state, EventEmitter events) {
        HandleState inner = JavaTaskHandle.machineryState(state, options.isolation());
        return new JavaTaskHandle(
                machinery.recover(forMachinery(task, read(task)), inner, events), options.isolation());
    }

    @Override
    public Optional<TaskHandle> findUnrecorded(TaskConfig task, EventEmitter events) {
        return machinery
                .findUnrecorded(forMachinery(task, read(task)), events)
                .map(h -> new JavaTaskHandle(h, options.isolation()));
    }

    /** A bridge group's network is the exec machinery's (a network namespace; see its driver). */
    @Override
    public boolean createsGroupNetworks() {
        return machinery.createsGroupNetworks();
    }

    @Override
    public GroupNetwork createGroupNetwork(GroupNetworkRequest request) {
        return machinery.createGroupNetwork(request);
    }

    @Override
    public Optional<GroupNetwork> findGroupNetwork(String allocId) {
        return machinery.findGroupNetwork(allocId);
    }

    @Override
    public void destroyGroupNetwork(String allocId) {
        machinery.destroyGroupNetwork(allocId);
    }

    @Override
    public void cleanup(TaskConfig task, CreatedResources resources) {
        machinery.cleanup(forMachinery(task, read(task)), resources);
    }

    @Override
    public void close() {
        machinery.close();
    }

    private JavaTaskConfig read(TaskConfig task) {
        return JavaTaskConfig.read(task, options.isolation(), new TaskPaths(task, options.isolation(), chrootEnv));
    }

    private Jdk requireJdk() {
        return jdk.jdk()
                .orElseThrow(() -> DriverException.fatal(
                        ErrorCode.DRIVER_UNAVAILABLE, "the java driver cannot start tasks: " + jdk.whyNone()));
    }

    /** The task as the exec machinery runs it: {@code java} with its arguments as the command. */
    private TaskConfig forMachinery(TaskConfig task, JavaTaskConfig config) {
        Map<String, Object> exec = new LinkedHashMap<>(config.execConfig());
        exec.put("command", javaForTask);
        exec.put("args", config.javaArgs(driverJvmOptions(task)));
        // the rest stays the task's: its log limits and volume mounts too
        return task.withDriverConfig(exec);
    }

    /**
     * Options the driver gives every JVM ahead of the task's own (which therefore win). In a chroot the JVM cannot
     * see the cgroup file system, so it would size its heap from the host's memory and be killed at the task's
     * limit: it is told the limit instead, the hard one ({@code memory_max} when set), as a JVM reading its cgroup
     * would see it.
     */
    private List<String> driverJvmOptions(TaskConfig task) {
        return options.isolation() == JavaIsolation.CHROOT
                ? List.of("-XX:MaxRAM=" + task.resources().memoryLimitMb() + "m")
                : List.of();
    }
}
