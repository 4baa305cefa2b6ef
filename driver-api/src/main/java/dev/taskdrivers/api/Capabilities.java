package dev.taskdrivers.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a driver's task handles support. Built through {@link #builder()}; new capabilities are added as builder
 * methods whose default is "not supported", so drivers written against an older version keep compiling.
 */
public final class Capabilities {
    private final boolean signals;
    private final boolean exec;
    private final FsIsolation fsIsolation;
    private final Map<String, String> dirsInsideTask;
    private final boolean volumeMounts;

    private Capabilities(Builder b) {
        this.signals = b.signals;
        this.exec = b.exec;
        this.fsIsolation = Objects.requireNonNull(b.fsIsolation);
        this.dirsInsideTask = Map.copyOf(b.dirsInsideTask);
        this.volumeMounts = b.volumeMounts;
    }

    /**
     * A builder with nothing supported; {@link Builder#fsIsolation} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these capabilities, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder().signals(signals).exec(exec).fsIsolation(fsIsolation);
        b.dirsInsideTask.putAll(dirsInsideTask);
        b.volumeMounts = volumeMounts;
        return b;
    }

    /**
     * Whether {@link TaskHandle#signal} works.
     *
     * @return {@code true} when handles accept signals
     */
    public boolean signals() {
        return signals;
    }

    /**
     * Whether {@link TaskHandle#exec} works.
     *
     * @return {@code true} when commands can run inside tasks
     */
    public boolean exec() {
        return exec;
    }

    /**
     * How the task's filesystem is isolated.
     *
     * @return the isolation, never {@code null}
     */
    public FsIsolation fsIsolation() {
        return fsIsolation;
    }

    /**
     * Where the driver's tasks see their directories when a chroot or an image puts them elsewhere than on the host:
     * the values of {@value TaskEnvironment#ALLOC_DIR}, {@value TaskEnvironment#TASK_DIR} and {@value
     * TaskEnvironment#SECRETS_DIR} inside the task. The runner interpolates a task's config against them from the
     * first check on (validation, prestart), as Nomad does for drivers that isolate the filesystem; a driver that
     * sets them also returns them as {@link PrestartResult#envOverrides()}.
     *
     * @return the three variables and their paths inside the task; empty when tasks see the host's paths
     */
    public Map<String, String> dirsInsideTask() {
        return dirsInsideTask;
    }

    /**
     * Whether the driver gives its tasks the host directories of {@link TaskConfig#mounts()} (a group's volumes). The
     * runner refuses a task that mounts a volume when its driver does not.
     *
     * @return {@code true} when tasks see their mounts
     */
    public boolean volumeMounts() {
        return volumeMounts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Capabilities other
                && signals == other.signals
                && exec == other.exec
                && fsIsolation == other.fsIsolation
                && dirsInsideTask.equals(other.dirsInsideTask)
                && volumeMounts == other.volumeMounts;
    }

    @Override
    public int hashCode() {
        return Objects.hash(signals, exec, fsIsolation, dirsInsideTask, volumeMounts);
    }

    @Override
    public String toString() {
        return "Capabilities[signals=" + signals + ", exec=" + exec + ", fsIsolation=" + fsIsolation
                + (dirsInsideTask.isEmpty() ? "" : ", dirsInsideTask=" + dirsInsideTask)
                + (volumeMounts ? ", volumeMounts=true" : "") + "]";
    }

    /** How a task's filesystem is separated from the host's. */
    public enum FsIsolation {
        /** The task sees the host filesystem. */
        NONE,
        /** The task runs in a chroot. */
        CHROOT,
        /** The task runs in its own image (container or VM). */
        IMAGE
    }

    /** Builds {@link Capabilities}; everything not set is unsupported. */
    public static final class Builder {
        private boolean signals;
        private boolean exec;
        private @Nullable FsIsolation fsIsolation;
        private final Map<String, String> dirsInsideTask = new LinkedHashMap<>();
        private boolean volumeMounts;

        private Builder() {}

        /**
         * Sets whether tasks see the host directories of {@link TaskConfig#mounts()}; {@code false} by default.
         *
         * @param volumeMounts whether the driver mounts them into its tasks
         * @return this builder
         */
        public Builder volumeMounts(boolean volumeMounts) {
            this.volumeMounts = volumeMounts;
            return this;
        }

        /**
         * Sets whether {@link TaskHandle#signal} works; {@code false} by default.
         *
         * @param signals whether handles accept signals
         * @return this builder
         */
        public Builder signals(boolean signals) {
            this.signals = signals;
            return this;
        }

        /**
         * Sets whether {@link TaskHandle#exec} works; {@code false} by default.
         *
         * @param exec whether commands can run inside tasks
         * @return this builder
         */
        public Builder exec(boolean exec) {
            this.exec = exec;
            return this;
        }

        /**
         * Sets how the task's filesystem is isolated (required).
         *
         * @param fsIsolation the isolation
         * @return this builder
         */
        public Builder fsIsolation(FsIsolation fsIsolation) {
            this.fsIsolation = fsIsolation;
            return this;
        }

        /**
         * Sets where tasks see their directories (see {@link Capabilities#dirsInsideTask()}); by default they see
         * the host's paths.
         *
         * @param allocDir the allocation's shared directory inside the task, e.g. {@code /alloc}
         * @param taskDir the task's own {@code local} directory inside the task, e.g. {@code /local}
         * @param secretsDir the task's secrets directory inside the task, e.g. {@code /secrets}
         * @return this builder
         * @throws IllegalArgumentException when a path is not absolute
         */
        public Builder dirsInsideTask(String allocDir, String taskDir, String secretsDir) {
            for (String dir : new String[] {allocDir, taskDir, secretsDir}) {
                if (!dir.startsWith("/")) {
                    throw new IllegalArgumentException(
                            "a directory inside the task must be absolute, got \"" + dir + "\"");
                }
            }
            dirsInsideTask.put(TaskEnvironment.ALLOC_DIR, allocDir);
            dirsInsideTask.put(TaskEnvironment.TASK_DIR, taskDir);
            dirsInsideTask.put(TaskEnvironment.SECRETS_DIR, secretsDir);
            return this;
        }

        /**
         * The capabilities.
         *
         * @return new {@link Capabilities}
         * @throws IllegalArgumentException when {@code fsIsolation} is missing
         */
        public Capabilities build() {
            new Invariants("Capabilities").required(fsIsolation, "fsIsolation").throwIfAny();
            return new Capabilities(this);
        }
    }
}
