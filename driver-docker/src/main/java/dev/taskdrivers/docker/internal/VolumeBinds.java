package dev.taskdrivers.docker.internal;

import com.github.dockerjava.api.model.BindOptions;
import com.github.dockerjava.api.model.BindPropagation;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import dev.taskdrivers.api.TaskMount;
import java.util.List;

/**
 * A task's volume mounts (its group's volumes, resolved by the runner) as the engine's bind mounts: private is
 * {@code rprivate}, host-to-task {@code rslave} and bidirectional {@code rshared}, as Nomad's docker driver maps them.
 */
public final class VolumeBinds {
    private VolumeBinds() {}

    public static List<Mount> of(List<TaskMount> mounts) {
        return mounts.stream().map(VolumeBinds::bind).toList();
    }

    private static Mount bind(TaskMount m) {
        return new Mount()
                .withType(MountType.BIND)
                .withSource(m.hostPath().toString())
                .withTarget(m.taskPath())
                .withReadOnly(m.readOnly())
                .withBindOptions(new BindOptions().withPropagation(propagation(m.propagation())));
    }

    private static BindPropagation propagation(TaskMount.Propagation p) {
        return switch (p) {
            case PRIVATE -> BindPropagation.R_PRIVATE;
            case HOST_TO_TASK -> BindPropagation.R_SLAVE;
            case BIDIRECTIONAL -> BindPropagation.R_SHARED;
        };
    }
}
