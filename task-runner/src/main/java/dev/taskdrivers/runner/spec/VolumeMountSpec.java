package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.TaskMount;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a task sees one of its group's volumes, as Nomad's task {@code volume_mount} block:
 * <pre>{@code
 * TaskSpec.builder("db", "docker").volumeMount(VolumeMountSpec.builder("data", "/var/lib/db").build())
 * }</pre>
 * The destination is a path inside the task, interpolated like the task's other fields
 * ({@code ${NOMAD_ALLOC_DIR}/data}); it must be absolute once interpolated. The mount is read-only when it says so or
 * when its volume is (as in Nomad). A built mount names a volume and has a destination.
 */
public final class VolumeMountSpec {
    private final String volume;
    private final String destination;
    private final boolean readOnly;
    private final TaskMount.Propagation propagation;

    private VolumeMountSpec(Builder b) {
        this.volume = b.volume;
        this.destination = b.destination;
        this.readOnly = b.readOnly;
        this.propagation = b.propagation;
    }

    /** A builder of a writable, private mount of the group's volume {@code volume} at {@code destination}. */
    public static Builder builder(String volume, String destination) {
        return new Builder(volume, destination);
    }

    /** A builder holding this mount's values. */
    public Builder toBuilder() {
        return builder(volume, destination).readOnly(readOnly).propagation(propagation);
    }

    /** The name of the group's volume. */
    public String volume() {
        return volume;
    }

    /** Where the task sees it, as written (interpolated at start). */
    public String destination() {
        return destination;
    }

    /** Whether the mount itself asks to be read-only. */
    public boolean readOnly() {
        return readOnly;
    }

    public TaskMount.Propagation propagation() {
        return propagation;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof VolumeMountSpec m
                && volume.equals(m.volume)
                && destination.equals(m.destination)
                && readOnly == m.readOnly
                && propagation == m.propagation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(volume, destination, readOnly, propagation);
    }

    @Override
    public String toString() {
        return "VolumeMountSpec[volume=" + volume + ", destination=" + destination + (readOnly ? ", readOnly" : "")
                + (propagation == TaskMount.Propagation.PRIVATE ? "" : ", propagation=" + propagation.specName())
                + "]";
    }

    /** Collects a mount's values; {@link #build} refuses what no mount may be, naming every offending field. */
    public static final class Builder {
        private final String volume;
        private final String destination;
        private boolean readOnly;
        private TaskMount.Propagation propagation = TaskMount.Propagation.PRIVATE;

        private Builder(String volume, String destination) {
            this.volume = Objects.requireNonNull(volume, "volume");
            this.destination = Objects.requireNonNull(destination, "destination");
        }

        /** Whether the task may not write to it; {@code false} unless set (its volume's read-only still wins). */
        public Builder readOnly(boolean value) {
            this.readOnly = value;
            return this;
        }

        /** Nomad's {@code propagation_mode}; {@link TaskMount.Propagation#PRIVATE} unless set. */
        public Builder propagation(TaskMount.Propagation value) {
            this.propagation = Objects.requireNonNull(value, "propagation");
            return this;
        }

        String volume() {
            return volume;
        }

        /** Every value {@link #build} would refuse, each under its field; empty when it builds. */
        public List<ValidationProblem> problems() {
            List<ValidationProblem> problems = new ArrayList<>();
            if (volume.isBlank()) {
                problems.add(new ValidationProblem("volume", "must not be empty"));
            }
            if (destination.isBlank()) {
                problems.add(new ValidationProblem("destination", "must not be empty"));
            }
            return problems;
        }

        /** @throws ValidationException naming every field that breaks a rule */
        public VolumeMountSpec build() {
            ValidationException.throwIfAny(problems());
            return new VolumeMountSpec(this);
        }
    }
}
