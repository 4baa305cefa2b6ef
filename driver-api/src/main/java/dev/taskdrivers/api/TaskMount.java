package dev.taskdrivers.api;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A directory of the host that a task sees at a path of its own: one of its group's volumes, resolved by the runner
 * to where the node has it. Only drivers whose {@link Capabilities#volumeMounts()} says so are given mounts.
 *
 * @param hostPath the directory on the host, absolute
 * @param taskPath where the task sees it, absolute (inside the task's image or chroot)
 * @param readOnly whether the task may not write to it
 * @param propagation how mounts made later below either side are seen by the other
 */
public record TaskMount(Path hostPath, String taskPath, boolean readOnly, Propagation propagation) {

    public TaskMount {
        Objects.requireNonNull(hostPath, "hostPath");
        Objects.requireNonNull(taskPath, "taskPath");
        Objects.requireNonNull(propagation, "propagation");
        if (!hostPath.isAbsolute()) {
            throw new IllegalArgumentException("hostPath must be absolute, got \"" + hostPath + "\"");
        }
        if (!taskPath.startsWith("/")) {
            throw new IllegalArgumentException("taskPath must be absolute, got \"" + taskPath + "\"");
        }
    }

    /** Mount propagation, as Nomad's {@code propagation_mode} names it. */
    public enum Propagation {
        /** Nothing is propagated either way (Nomad's default). */
        PRIVATE("private"),
        /** Mounts made later on the host below the directory are seen by the task. */
        HOST_TO_TASK("host-to-task"),
        /** Mounts are seen both ways. */
        BIDIRECTIONAL("bidirectional");

        private final String specName;

        Propagation(String specName) {
            this.specName = specName;
        }

        /**
         * The name in a job spec.
         *
         * @return e.g. {@code host-to-task}
         */
        public String specName() {
            return specName;
        }

        /**
         * The propagation a job spec names.
         *
         * @param name {@code private}, {@code host-to-task} or {@code bidirectional}
         * @return the propagation, empty for any other name
         */
        public static Optional<Propagation> fromSpecName(String name) {
            for (Propagation p : values()) {
                if (p.specName.equals(name.toLowerCase(Locale.ROOT))) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }
}
