package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.TaskDirs;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Directory trees for new allocations, made ahead of time, off the start path. On some filesystems a mkdir costs
 * 50-150 us (ext4 allocates an inode and a block for each directory) and a new allocation needs six; moving a ready
 * tree into place is one rename. A tree holds the allocation's shared dirs and one task slot (with its local and
 * secrets dirs), which the allocation's first task renames to its own name. Trees live in the allocation root as
 * {@code .spare-<uuid>}, so renames never cross filesystems and no allocation id can take such a name.
 */
public final class SpareAllocationTrees {
    private static final Logger LOG = LoggerFactory.getLogger(SpareAllocationTrees.class);
    private static final String PREFIX = ".spare-";
    /** The task directory's name inside a spare tree; task names start with a letter or digit. */
    private static final String TASK_SLOT = ".task";

    private final Path allocRoot;
    private final int target;
    private final Queue<Path> ready = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean refilling = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param allocRoot the parent of allocation directories
     * @param target how many trees to keep ready
     */
    public SpareAllocationTrees(Path allocRoot, int target) {
        this.allocRoot = allocRoot;
        this.target = target;
    }

    /** Moves a ready tree to {@code allocationDir}, which must not exist yet; false when none is ready. */
    boolean takeInto(Path allocationDir) {
        Path spare = ready.poll();
        if (spare == null) {
            return false;
        }
        try {
            Files.move(spare, allocationDir, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            LOG.debug("cannot move spare directory tree {} to {}: {}", spare, allocationDir, e.toString());
            deleteQuietly(spare);
            return false;
        }
    }

    /** The task slot of a tree moved to {@code allocationDir}. */
    static Path taskSlot(Path allocationDir) {
        return allocationDir.resolve(TASK_SLOT);
    }

    /** Makes trees until {@link #target} are ready; returns at once when another thread is already at it. */
    void refill() {
        if (closed || ready.size() >= target || !refilling.compareAndSet(false, true)) {
            return;
        }
        try {
            while (!closed && ready.size() < target) {
                Path spare = allocRoot.resolve(PREFIX + UUID.randomUUID());
                try {
                    TaskDirectories.create(TaskDirs.standard(spare, TASK_SLOT));
                } catch (IOException e) {
                    LOG.debug("cannot make a spare directory tree in {}: {}", allocRoot, e.toString());
                    deleteQuietly(spare);
                    return;
                }
                ready.add(spare);
                if (closed) { // removeAll ran meanwhile: this one would be left behind
                    ready.remove(spare);
                    deleteQuietly(spare);
                }
            }
        } finally {
            refilling.set(false);
        }
    }

    /** Removes every spare tree in the allocation root, those of a runner that was killed included. */
    public void removeLeftovers() {
        ready.clear();
        if (!Files.isDirectory(allocRoot)) {
            return;
        }
        List<Path> spares = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(allocRoot, PREFIX + "*")) {
            found.forEach(spares::add);
        } catch (IOException e) {
            LOG.warn("cannot list {} for spare directory trees: {}", allocRoot, e.toString());
        }
        spares.forEach(SpareAllocationTrees::deleteQuietly);
    }

    /** Removes every spare tree and makes no more; a refill still running removes what it makes. */
    public void close() {
        closed = true;
        removeLeftovers();
    }

    private static void deleteQuietly(Path tree) {
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove spare directory tree {}: {}", tree, e.toString());
        }
    }
}
