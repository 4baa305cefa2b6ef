package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.Redaction;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.services.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One task of a group, built with {@link #builder} (or {@link #of} when only the driver's config matters):
 * <pre>{@code
 * TaskSpec.builder("web", "docker")
 *         .config(Map.of("image", "nginx:alpine"))
 *         .ports(PortSpec.dynamic("http"))
 *         .service(ServiceSpec.builder("web").port("http").check(CheckSpec.http("/")))
 *         .build()
 * }</pre>
 * A built task has a safe name that is not {@code alloc} (the allocation's shared directory), a driver, cpu and
 * memory within their limits, distinct port labels and fixed ports, a valid restart policy, a non-negative kill
 * timeout, a kill signal named like {@code SIGTERM}, and services whose ports are ports of the task. Whether its
 * driver exists and accepts its config is checked when it is submitted ({@link JobValidator}).
 */
public final class TaskSpec {
    /** Task names that would collide with a directory of the allocation: {@code alloc} is the shared one. */
    static final Set<String> RESERVED_NAMES = Set.of("alloc");

    private static final Pattern SIGNAL = Pattern.compile("SIG[A-Z0-9]+");

    private final String name;
    private final String driver;
    private final boolean leader;
    private final Map<String, Object> config;
    private final Map<String, String> env;
    private final Map<String, String> meta;
    private final @Nullable String user;
    private final int cpu;
    private final int memoryMb;
    private final int memoryMaxMb;
    private final int cores;
    private final List<PortSpec> ports;
    private final @Nullable RestartPolicy restart;
    private final Duration killTimeout;
    private final String killSignal;
    private final List<ServiceSpec> services;
    private final @Nullable TaskLifecycle lifecycle;
    private final Duration shutdownDelay;
    private final List<TemplateSpec> templates;
    private final List<ArtifactSpec> artifacts;
    private final LogConfig logs;
    private final List<VolumeMountSpec> volumeMounts;

    private TaskSpec(Builder b) {
        this.name = b.name;
        this.driver = b.driver;
        this.leader = b.leader;
        this.config = Map.copyOf(b.config);
        this.env = Map.copyOf(b.env);
        this.meta = Map.copyOf(b.meta);
        this.user = b.user;
        this.cpu = b.cpu;
        this.memoryMb = b.memoryMb;
        this.memoryMaxMb = b.memoryMaxMb;
        this.cores = b.cores;
        this.ports = List.copyOf(b.ports);
        this.restart = b.restart == null ? null : b.restart.build();
        this.killTimeout = b.killTimeout;
        this.killSignal = b.killSignal;
        this.services = b.services.stream().map(ServiceSpec.Builder::build).toList();
        this.lifecycle = b.lifecycle;
        this.shutdownDelay = b.shutdownDelay;
        this.templates = b.templates.stream().map(TemplateSpec.Builder::build).toList();
        this.artifacts = b.artifacts.stream().map(ArtifactSpec.Builder::build).toList();
        this.logs = b.logs;
        this.volumeMounts =
                b.volumeMounts.stream().map(VolumeMountSpec.Builder::build).toList();
    }

    /**
     * A task run by {@code driver}, with every other field at its default: not the leader, no config, env or meta,
     * the driver's default user, {@link Resources#DEFAULT_CPU_MHZ} MHz, {@link Resources#DEFAULT_MEMORY_MB} MiB, no
     * ports, its group's restart policy, {@link TaskConfig#DEFAULT_KILL_TIMEOUT} and
     * {@link TaskConfig#DEFAULT_KILL_SIGNAL}, no services.
     */
    public static Builder builder(String name, String driver) {
        return new Builder(name, driver);
    }

    /**
     * A task with the given driver configuration and every other field at its default.
     *
     * @throws ValidationException when the name or driver is not one a task may have
     */
    public static TaskSpec of(String name, String driver, Map<String, Object> config) {
        return builder(name, driver).config(config).build();
    }

    /** A builder holding this task's values, to build a changed copy. */
    public Builder toBuilder() {
        Builder b = builder(name, driver)
                .leader(leader)
                .config(config)
                .env(env)
                .meta(meta)
                .cpu(cpu)
                .memoryMb(memoryMb)
                .memoryMaxMb(memoryMaxMb)
                .cores(cores)
                .ports(ports)
                .kill(killTimeout, killSignal)
                .shutdownDelay(shutdownDelay)
                .logs(logs);
        b.lifecycle = lifecycle;
        b.user = user;
        b.restart = restart == null ? null : restart.toBuilder();
        services.forEach(b::service);
        templates.forEach(b::template);
        artifacts.forEach(b::artifact);
        volumeMounts.forEach(b::volumeMount);
        return b;
    }

    /** Unique within the group. */
    public String name() {
        return name;
    }

    /** The driver name, e.g. {@code raw_exec}. */
    public String driver() {
        return driver;
    }

    /** Whether the other tasks of the allocation are stopped when this one ends. */
    public boolean leader() {
        return leader;
    }

    /** The driver's configuration (JSON-like values). */
    public Map<String, Object> config() {
        return config;
    }

    /** The task's own environment variables. */
    public Map<String, String> env() {
        return env;
    }

    /** Metadata, visible as {@code NOMAD_META_<key>}. */
    public Map<String, String> meta() {
        return meta;
    }

    /** The user to run as, or {@code null} for the driver's default. */
    public @Nullable String user() {
        return user;
    }

    /** Cpu share in MHz. */
    public int cpu() {
        return cpu;
    }

    /** Memory limit in MiB; the reservation when {@link #memoryMaxMb()} is set. */
    public int memoryMb() {
        return memoryMb;
    }

    /** Nomad's {@code memory_max}: the hard memory limit in MiB above {@link #memoryMb()}; 0 when not set. */
    public int memoryMaxMb() {
        return memoryMaxMb;
    }

    /** Nomad's {@code cores}: how many cpu cores the task has to itself; 0 when not set. */
    public int cores() {
        return cores;
    }

    /** The ports the task asks for. */
    public List<PortSpec> ports() {
        return ports;
    }

    /** The task's restart policy, or {@code null} to use its group's. */
    public @Nullable RestartPolicy restart() {
        return restart;
    }

    /** How long a stop waits after the kill signal before forcing. */
    public Duration killTimeout() {
        return killTimeout;
    }

    /** The first signal a stop sends. */
    public String killSignal() {
        return killSignal;
    }

    /** The services the task advertises. */
    public List<ServiceSpec> services() {
        return services;
    }

    /** When the task runs relative to its group's main tasks; empty for a main task. */
    public Optional<TaskLifecycle> lifecycle() {
        return Optional.ofNullable(lifecycle);
    }

    /** How long a stop waits, after the task's services were removed, before sending the kill signal. */
    public Duration shutdownDelay() {
        return shutdownDelay;
    }

    /** The files rendered into the task directory from templates. */
    public List<TemplateSpec> templates() {
        return templates;
    }

    /** What is fetched into the task's directory before it starts, in order. */
    public List<ArtifactSpec> artifacts() {
        return artifacts;
    }

    /** How the task's stdout and stderr files are rotated ({@code logs}); {@link LogConfig#DEFAULT} unless set. */
    public LogConfig logs() {
        return logs;
    }

    /** Where the task sees its group's volumes ({@code volume_mount}), in order. */
    public List<VolumeMountSpec> volumeMounts() {
        return volumeMounts;
    }

    public TaskSpec withLeader(boolean value) {
        return toBuilder().leader(value).build();
    }

    public TaskSpec withEnv(Map<String, String> value) {
        return toBuilder().env(value).build();
    }

    public TaskSpec withPorts(List<PortSpec> value) {
        return toBuilder().ports(value).build();
    }

    /** The same task with this cpu share (MHz) and memory limit (MiB). */
    public TaskSpec withResources(int cpuMhz, int memoryMiB) {
        return toBuilder().cpu(cpuMhz).memoryMb(memoryMiB).build();
    }

    /** The same task with this restart policy, or with its group's when {@code null}. */
    public TaskSpec withRestart(@Nullable RestartPolicy value) {
        Builder b = toBuilder();
        b.restart = value == null ? null : value.toBuilder();
        return b.build();
    }

    public TaskSpec withKill(Duration timeout, String signal) {
        return toBuilder().kill(timeout, signal).build();
    }

    public TaskSpec withServices(List<ServiceSpec> value) {
        Builder b = toBuilder();
        b.services.clear();
        value.forEach(b::service);
        return b.build();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof TaskSpec t
                && name.equals(t.name)
                && driver.equals(t.driver)
                && leader == t.leader
                && config.equals(t.config)
                && env.equals(t.env)
                && meta.equals(t.meta)
                && Objects.equals(user, t.user)
                && cpu == t.cpu
                && memoryMb == t.memoryMb
                && memoryMaxMb == t.memoryMaxMb
                && cores == t.cores
                && ports.equals(t.ports)
                && Objects.equals(restart, t.restart)
                && killTimeout.equals(t.killTimeout)
                && killSignal.equals(t.killSignal)
                && services.equals(t.services)
                && Objects.equals(lifecycle, t.lifecycle)
                && shutdownDelay.equals(t.shutdownDelay)
                && templates.equals(t.templates)
                && artifacts.equals(t.artifacts)
                && logs.equals(t.logs)
                && volumeMounts.equals(t.volumeMounts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                name,
                driver,
                leader,
                config,
                env,
                meta,
                user,
                cpu,
                memoryMb,
                memoryMaxMb,
                cores,
                ports,
                restart,
                killTimeout,
                killSignal,
                services,
                lifecycle,
                shutdownDelay,
                templates,
                artifacts,
                logs,
                volumeMounts);
    }

    @Override
    public String toString() {
        return "TaskSpec[name=" + name + ", driver=" + driver + ", leader=" + leader + ", config="
                + Redaction.redact(config) + ", env=" + Redaction.redact(env) + ", cpu=" + cpu + ", memoryMb="
                + memoryMb + ", ports=" + ports + ", restart=" + restart + ", killTimeout=" + killTimeout
                + (lifecycle == null ? "" : ", lifecycle=" + lifecycle)
                + (shutdownDelay.isZero() ? "" : ", shutdownDelay=" + shutdownDelay)
                + (artifacts.isEmpty() ? "" : ", artifacts=" + artifacts)
                + (volumeMounts.isEmpty() ? "" : ", volumeMounts=" + volumeMounts) + "]";
    }

    /**
     * Collects a task's values; {@link #build} refuses what no task may be, naming every offending field as the JSON
     * spec does ({@code resources.cpu}, {@code services[0].port}, ...), all at once.
     */
    public static final class Builder {
        private final String name;
        private final String driver;
        private boolean leader;
        private Map<String, Object> config = Map.of();
        private Map<String, String> env = Map.of();
        private Map<String, String> meta = Map.of();
        private @Nullable String user;
        private int cpu = Resources.DEFAULT_CPU_MHZ;
        private int memoryMb = Resources.DEFAULT_MEMORY_MB;
        private int memoryMaxMb;
        private int cores;
        private List<PortSpec> ports = List.of();
        private RestartPolicy.@Nullable Builder restart;
        private Duration killTimeout = TaskConfig.DEFAULT_KILL_TIMEOUT;
        private String killSignal = TaskConfig.DEFAULT_KILL_SIGNAL;
        private final List<ServiceSpec.Builder> services = new ArrayList<>();
        private @Nullable TaskLifecycle lifecycle;
        private Duration shutdownDelay = Duration.ZERO;
        private final List<TemplateSpec.Builder> templates = new ArrayList<>();
        private final List<ArtifactSpec.Builder> artifacts = new ArrayList<>();
        private LogConfig logs = LogConfig.DEFAULT;
        private final List<VolumeMountSpec.Builder> volumeMounts = new ArrayList<>();

        private Builder(String name, String driver) {
            this.name = Objects.requireNonNull(name, "name");
            this.driver = Objects.requireNonNull(driver, "driver");
        }

        /** Whether the other tasks of the allocation are stopped when this one ends; false by default. */
        public Builder leader(boolean value) {
            this.leader = value;
            return this;
        }

        /** The driver's configuration (JSON-like values, no nulls). */
        public Builder config(Map<String, Object> value) {
            this.config = Map.copyOf(value);
            return this;
        }

        public Builder env(Map<String, String> value) {
            this.env = Map.copyOf(value);
            return this;
        }

        public Builder meta(Map<String, String> value) {
            this.meta = Map.copyOf(value);
            return this;
        }

        /** The user to run as; the driver's default unless set. */
        public Builder user(String value) {
            this.user = Objects.requireNonNull(value, "user");
            return this;
        }

        /** Cpu share in MHz, 1 to 1000000; {@link Resources#DEFAULT_CPU_MHZ} unless set. */
        public Builder cpu(int mhz) {
            this.cpu = mhz;
            return this;
        }

        /** Memory limit in MiB, 1 to 10000000; {@link Resources#DEFAULT_MEMORY_MB} unless set. */
        public Builder memoryMb(int mib) {
            this.memoryMb = mib;
            return this;
        }

        /**
         * Nomad's {@code memory_max}: the task may use up to this many MiB, its {@code memoryMb} becoming the
         * reservation; at least {@code memoryMb}, 0 (the default) for none.
         */
        public Builder memoryMaxMb(int mib) {
            this.memoryMaxMb = mib;
            return this;
        }

        /** Nomad's {@code cores}: how many cpu cores the task has to itself, 1 to 1024; 0 (the default) for none. */
        public Builder cores(int count) {
            this.cores = count;
            return this;
        }

        public Builder ports(PortSpec... values) {
            return ports(List.of(values));
        }

        public Builder ports(List<PortSpec> values) {
            this.ports = List.copyOf(values);
            return this;
        }

        /** The task's own restart policy; its group's unless set. */
        public Builder restart(RestartPolicy value) {
            this.restart = value.toBuilder();
            return this;
        }

        /** A restart policy built with the task; the builder is kept, not copied. */
        public Builder restart(RestartPolicy.Builder value) {
            this.restart = Objects.requireNonNull(value, "restart");
            return this;
        }

        /** How long a stop waits after the kill signal before forcing; {@link TaskConfig#DEFAULT_KILL_TIMEOUT}. */
        public Builder killTimeout(Duration value) {
            this.killTimeout = Objects.requireNonNull(value, "killTimeout");
            return this;
        }

        /** The first signal a stop sends, e.g. {@code SIGINT}; {@link TaskConfig#DEFAULT_KILL_SIGNAL}. */
        public Builder killSignal(String value) {
            this.killSignal = Objects.requireNonNull(value, "killSignal");
            return this;
        }

        /** Both kill settings; a {@code null} one is left as it is. */
        public Builder kill(@Nullable Duration timeout, @Nullable String signal) {
            if (timeout != null) {
                killTimeout(timeout);
            }
            if (signal != null) {
                killSignal(signal);
            }
            return this;
        }

        /** Adds a service the task advertises. */
        public Builder service(ServiceSpec value) {
            services.add(value.toBuilder());
            return this;
        }

        /** Adds the service this builder builds with the task; the builder is kept, not copied. */
        public Builder service(ServiceSpec.Builder value) {
            services.add(Objects.requireNonNull(value, "service"));
            return this;
        }

        /** Makes this a prestart, poststart or poststop task; a main task unless set. */
        public Builder lifecycle(TaskLifecycle value) {
            this.lifecycle = Objects.requireNonNull(value, "lifecycle");
            return this;
        }

        /**
         * How long a stop waits between removing the task's services and sending its kill signal, so that clients
         * stop being sent to it first; zero unless set.
         */
        public Builder shutdownDelay(Duration value) {
            this.shutdownDelay = Objects.requireNonNull(value, "shutdownDelay");
            return this;
        }

        /** Adds a file rendered from a template before the task starts. */
        public Builder template(TemplateSpec value) {
            templates.add(value.toBuilder());
            return this;
        }

        /** Adds the template this builder builds with the task; the builder is kept, not copied. */
        public Builder template(TemplateSpec.Builder value) {
            templates.add(Objects.requireNonNull(value, "template"));
            return this;
        }

        /** Adds an artifact fetched into the task's directory before it starts. */
        public Builder artifact(ArtifactSpec value) {
            artifacts.add(value.toBuilder());
            return this;
        }

        /** Adds the artifact this builder builds with the task; the builder is kept, not copied. */
        public Builder artifact(ArtifactSpec.Builder value) {
            artifacts.add(Objects.requireNonNull(value, "artifact"));
            return this;
        }

        /**
         * How many files of stdout and of stderr are kept and their size ({@code logs { max_files, max_file_size }});
         * {@link LogConfig#DEFAULT} (10 files of 10 MiB) unless set.
         */
        public Builder logs(LogConfig value) {
            this.logs = Objects.requireNonNull(value, "logs");
            return this;
        }

        /** Mounts one of the group's volumes into the task. */
        public Builder volumeMount(VolumeMountSpec value) {
            volumeMounts.add(value.toBuilder());
            return this;
        }

        /** Adds the mount this builder builds with the task; the builder is kept, not copied. */
        public Builder volumeMount(VolumeMountSpec.Builder value) {
            volumeMounts.add(Objects.requireNonNull(value, "volumeMount"));
            return this;
        }

        List<VolumeMountSpec.Builder> volumeMounts() {
            return volumeMounts;
        }

        String name() {
            return name;
        }

        LogConfig logs() {
            return logs;
        }

        String driver() {
            return driver;
        }

        boolean leader() {
            return leader;
        }

        Map<String, Object> config() {
            return config;
        }

        Map<String, String> env() {
            return env;
        }

        Map<String, String> meta() {
            return meta;
        }

        @Nullable
        String user() {
            return user;
        }

        int cpu() {
            return cpu;
        }

        int memoryMb() {
            return memoryMb;
        }

        int memoryMaxMb() {
            return memoryMaxMb;
        }

        int cores() {
            return cores;
        }

        List<PortSpec> ports() {
            return ports;
        }

        Duration killTimeout() {
            return killTimeout;
        }

        String killSignal() {
            return killSignal;
        }

        List<ServiceSpec.Builder> services() {
            return services;
        }

        List<ArtifactSpec.Builder> artifacts() {
            return artifacts;
        }

        List<TemplateSpec.Builder> templates() {
            return templates;
        }

        /** Every value {@link #build} would refuse, each under its field; empty when it builds. */
        public List<ValidationProblem> problems() {
            List<ValidationProblem> problems = new ArrayList<>();
            JobRules.name(name, "name", problems);
            if (RESERVED_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
                problems.add(new ValidationProblem(
                        "name",
                        "\"" + name + "\" is reserved: it is the name of the" + " allocation's shared directory"));
            }
            if (driver.isBlank()) {
                problems.add(new ValidationProblem("driver", "must not be empty"));
            }
            JobRules.range(cpu, 1, JobRules.MAX_CPU, "resources.cpu", problems);
            JobRules.range(memoryMb, 1, JobRules.MAX_MEMORY_MB, "resources.memory_mb", problems);
            if (memoryMaxMb != 0) {
                JobRules.range(memoryMaxMb, 1, JobRules.MAX_MEMORY_MB, "resources.memory_max_mb", problems);
                if (memoryMaxMb > 0 && memoryMaxMb < memoryMb) {
                    problems.add(new ValidationProblem(
                            "resources.memory_max_mb",
                            "must be at least memory_mb (" + memoryMb + "), got " + memoryMaxMb));
                }
            }
            if (cores != 0) {
                JobRules.range(cores, 1, JobRules.MAX_CORES, "resources.cores", problems);
            }
            portProblems(problems);
            if (restart != null) {
                JobRules.nested(restart.problems(), "restart", problems);
            }
            if (killTimeout.isNegative()) {
                problems.add(new ValidationProblem("kill_timeout", "must not be negative"));
            }
            if (shutdownDelay.isNegative()) {
                problems.add(new ValidationProblem("shutdown_delay", "must not be negative"));
            }
            if (!SIGNAL.matcher(killSignal).matches()) {
                problems.add(new ValidationProblem(
                        "kill_signal", "must be a signal name like SIGTERM, got \"" + killSignal + "\""));
            }
            for (int i = 0; i < services.size(); i++) {
                // the ports a service names are the group's rule (ServicePortRules): a sibling's group port will do
                JobRules.nested(services.get(i).problems(), "services[" + i + "]", problems);
            }
            TemplateRules.problems(templates, problems);
            for (int i = 0; i < artifacts.size(); i++) {
                JobRules.nested(artifacts.get(i).problems(), "artifacts[" + i + "]", problems);
            }
            for (int i = 0; i < volumeMounts.size(); i++) {
                JobRules.nested(volumeMounts.get(i).problems(), "volume_mounts[" + i + "]", problems);
            }
            return problems;
        }

        /** Problems for port labels or fixed ports used twice. */
        private void portProblems(List<ValidationProblem> problems) {
            Set<String> labels = new TreeSet<>();
            Set<Integer> fixed = new HashSet<>();
            for (PortSpec p : ports) {
                String path = "resources.ports." + p.label();
                if (!labels.add(p.label())) {
                    problems.add(new ValidationProblem(path, "port label \"" + p.label() + "\" is used twice"));
                }
                if (!p.isDynamic() && !fixed.add(p.staticPort())) {
                    problems.add(new ValidationProblem(path + ".static", "port " + p.staticPort() + " is used twice"));
                }
            }
        }

        /**
         * This builder with the fields that break a rule back at their defaults (services too, when ports do), for
         * taking over a task persisted under looser rules; {@code null} when its name or driver breaks one.
         */
        @Nullable
        Builder withoutBrokenFields(List<ValidationProblem> found) {
            if (found.isEmpty()) {
                return this;
            }
            for (ValidationProblem p : found) {
                String f = p.field();
                if (f.startsWith("resources.cpu")) {
                    cpu = Resources.DEFAULT_CPU_MHZ;
                } else if (f.startsWith("resources.memory_max_mb")) {
                    memoryMaxMb = 0;
                } else if (f.startsWith("resources.memory_mb")) {
                    memoryMb = Resources.DEFAULT_MEMORY_MB;
                } else if (f.startsWith("resources.cores")) {
                    cores = 0;
                } else if (f.startsWith("resources.ports")) {
                    ports = List.of();
                    services.clear();
                } else if (f.startsWith("restart")) {
                    restart = null;
                } else if (f.startsWith("kill_timeout")) {
                    killTimeout = TaskConfig.DEFAULT_KILL_TIMEOUT;
                } else if (f.startsWith("kill_signal")) {
                    killSignal = TaskConfig.DEFAULT_KILL_SIGNAL;
                } else if (f.startsWith("shutdown_delay")) {
                    shutdownDelay = Duration.ZERO;
                } else if (f.startsWith("services")) {
                    services.clear();
                } else if (f.startsWith("templates")) {
                    templates.clear();
                } else if (f.startsWith("artifacts")) {
                    artifacts.clear();
                } else if (f.startsWith("volume_mounts")) {
                    volumeMounts.clear();
                }
            }
            return problems().isEmpty() ? this : null;
        }

        /** @throws ValidationException naming every field that breaks a rule */
        public TaskSpec build() {
            ValidationException.throwIfAny(problems());
            return new TaskSpec(this);
        }

        /** Builds what {@link #problems()} (or an enclosing builder's) has just found clean, without checking again. */
        TaskSpec buildChecked() {
            return new TaskSpec(this);
        }
    }
}
