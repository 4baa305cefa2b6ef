package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.TaskDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the directories of one allocation's tasks. The first task of a new allocation takes a spare tree when one
 * is ready (two renames instead of six mkdirs); the others, and every task when none is ready, make their own.
 */
final class AllocationDirectories {
    private static final Logger LOG = LoggerFactory.getLogger(AllocationDirectories.class);

    private final @Nullable SpareAllocationTrees spares;
    /** Guarded by this. */
    private boolean sharedReady;
    /** Whether the tree moved in still has its task slot; guarded by this. */
    private boolean slotFree;

    /** @param spares where a new allocation takes its tree from; null for one rebuilt from state files */
    AllocationDirectories(@Nullable SpareAllocationTrees spares) {
        this.spares = spares;
    }

    void create(TaskDirs dirs) throws IOException {
        Path allocRoot = Objects.requireNonNull(dirs.allocDir().getParent(), "an allocation lies in a directory");
        boolean useSlot;
        synchronized (this) { // siblings wait here until the shared directories exist
            if (!sharedReady) {
                slotFree = spares != null && spares.takeInto(allocRoot);
                if (!slotFree) {
                    TaskDirectories.createShared(dirs);
                }
                sharedReady = true;
            }
            useSlot = slotFree;
            slotFree = false;
        }
        if (useSlot) {
            try {
                Files.move(SpareAllocationTrees.taskSlot(allocRoot), dirs.taskDir(), StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (IOException e) {
                LOG.debug("cannot rename the spare task directory to {}: {}", dirs.taskDir(), e.toString());
            }
        }
        TaskDirectories.createTask(dirs);
    }
}
