package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.docker.internal.PendingRemovalsFile;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images of one driver: de-duplicates concurrent pulls of an image, and counts which tasks hold which image.
 * When the last holder lets go, the image is removed after a delay, unless a task wants it again first.
 *
 * <p>Pending removals and their deadlines are kept in the driver's data directory: a driver closed before a
 * deadline leaves the removal to the next driver instance on that directory, which performs it when due (at once
 * if overdue) unless a task holds the image again by then.
 *
 * <p>Holders are task keys, so holding twice is holding once: recover, prestart and the rebuild from container
 * labels after a restart may all name the same task. The engine itself refuses to remove an image a container
 * still uses, which guards images used by tasks this driver has not seen yet.
 */
final class ImageCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(ImageCoordinator.class);
    /** How long a removal the engine could not answer waits before it is tried again. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private final DockerClient docker;
    private final DockerDriverOptions options;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Set<String>> holders = new HashMap<>();
    /** Images waiting for removal and when each is due; mirrored in {@link #pendingFile}. */
    private final Map<String, Instant> pending = new HashMap<>();
    /** This instance's timers for {@link #pending}. */
    private final Map<String, ScheduledFuture<?>> removals = new HashMap<>();

    private final PendingRemovalsFile pendingFile;
    private final Map<String, ImagePull> pulls = new HashMap<>();
    /** Image ids this driver saw present or pulled; dropped when it removes the image or a create misses it. */
    private final Map<String, String> known = new HashMap<>();

    private final AtomicInteger pullsStarted = new AtomicInteger();
    private final AtomicInteger imagesRemoved = new AtomicInteger();
    private final Object rebuildLock = new Object();
    /** Guarded by {@link #rebuildLock}, which is taken before this object's lock. */
    private boolean rebuilt;

    private final AtomicBoolean rebuildStarted = new AtomicBoolean();

    private boolean closed;

    ImageCoordinator(
            DockerClient docker,
            DockerDriverOptions options,
            ScheduledExecutorService scheduler,
            PendingRemovalsFile pendingFile) {
        this.docker = docker;
        this.options = options;
        this.scheduler = scheduler;
        this.pendingFile = pendingFile;
        pending.putAll(pendingFile.load());
    }

    /** Schedules the removals an earlier driver instance left pending, each at its own deadline. */
    synchronized void resumePendingRemovals() {
        if (pending.isEmpty()) {
            return;
        }
        if (!options.imageRemoval()) {
            LOG.info(
                    "image removal is switched off: {} removals left pending in {} are not done",
                    pending.size(),
                    pendingFile.path());
            return;
        }
        LOG.info("resuming {} pending image removals: {}", pending.size(), pending);
        pending.forEach(this::schedule);
    }

    /**
     * Marks {@code image} as used by {@code holder} and cancels a pending removal of it. The rebuild of the counts
     * from our containers runs meanwhile: holding adds only, and a release or removal waits for the rebuild.
     */
    void acquire(String image, String holder) {
        rebuildInBackground();
        synchronized (this) {
            holders.computeIfAbsent(image, k -> new LinkedHashSet<>()).add(holder);
            if (cancelRemoval(image)) {
                LOG.debug("removal of image {} cancelled: {} wants it", image, holder);
                persist();
            }
        }
    }

    /** Drops a pending removal of {@code image} (holding the lock); true when there was one. */
    private boolean cancelRemoval(String image) {
        ScheduledFuture<?> removal = removals.remove(image);
        if (removal != null) {
            removal.cancel(false);
        }
        return pending.remove(image) != null;
    }

    /** {@code holder} is done with {@code image}; the last one out schedules its removal. */
    void release(String image, String holder) {
        rebuildOnce();
        synchronized (this) {
            Set<String> set = holders.get(image);
            if (set != null) {
                set.remove(holder);
                if (!set.isEmpty()) {
                    return;
                }
                holders.remove(image);
            }
            if (!options.imageRemoval() || pending.containsKey(image)) {
                return;
            }
            Instant deadline = Instant.now().plus(options.imageRemovalDelay());
            LOG.debug("image {} unused; removing it in {}", image, options.imageRemovalDelay());
            pending.put(image, deadline);
            persist();
            schedule(image, deadline);
        }
    }

    /** Starts this instance's timer for a pending removal (holding the lock); an overdue one runs at once. */
    private void schedule(String image, Instant deadline) {
        if (closed) {
            return;
        }
        long delayMillis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        removals.put(
                image, scheduler.schedule(() -> removeIfUnused(image, deadline), delayMillis, TimeUnit.MILLISECONDS));
    }

    /** Writes the pending removals (holding the lock). A closed coordinator leaves the file to the next one. */
    private void persist() {
        if (closed) {
            return;
        }
        try {
            pendingFile.save(pending);
        } catch (IOException e) {
            LOG.warn(
                    "cannot record pending image removals in {}: {}; they are lost if the driver closes before "
                            + "they are due",
                    pendingFile.path(),
                    e.toString());
        }
    }

    /** The tasks holding {@code image}, for tests and diagnostics. */
    Set<String> holders(String image) {
        rebuildOnce();
        synchronized (this) {
            return Set.copyOf(holders.getOrDefault(image, Set.of()));
        }
    }

    /** How many pulls this coordinator started. */
    int pullsStarted() {
        return pullsStarted.get();
    }

    /** How many images this coordinator removed. */
    int imagesRemoved() {
        return imagesRemoved.get();
    }

    /**
     * Makes sure the engine has {@code ref}: pulls it unless present (or when {@code forcePull}), joining a pull of
     * the same image already running. Returns the image id.
     */
    String ensure(
            ImageRef ref,
            boolean forcePull,
            @Nullable RegistryCredentials credentials,
            Duration timeout,
            EventEmitter events) {
        ImagePull pull;
        boolean first;
        synchronized (this) {
            String knownId = known.get(ref.canonical());
            if (knownId != null && !forcePull) {
                // no engine call: an image removed behind our back is caught by the create, which pulls again
                return knownId;
            }
            ImagePull running = pulls.get(ref.canonical());
            first = running == null;
            if (running != null) {
                pull = running;
            } else {
                pull = new ImagePull(
                        docker,
                        ref,
                        credentials,
                        options.pullActivityTimeout(),
                        timeout,
                        options.pullProgressInterval(),
                        scheduler);
                ImagePull mine = pull;
                pulls.put(ref.canonical(), pull);
                pull.result().whenComplete((id, error) -> {
                    synchronized (this) {
                        pulls.remove(ref.canonical(), mine);
                        if (id != null) {
                            known.put(ref.canonical(), id);
                        }
                    }
                });
            }
            pull.addListener(events);
        }
        if (first) {
            // one presence check for everybody arriving meanwhile, then at most one pull
            String present;
            try {
                present = forcePull ? null : presentImageId(ref);
            } catch (DriverException e) {
                pull.result().completeExceptionally(e);
                throw e;
            }
            if (present != null) {
                pull.result().complete(present);
            } else {
                pullsStarted.incrementAndGet();
                pull.start();
            }
        } else if (!pull.result().isDone()) {
            events.driverEvent(
                    "Waiting for image " + ref.canonical() + ", which another task is pulling",
                    Map.of("image", ref.canonical()));
        }
        try {
            return await(pull, ref, timeout);
        } catch (DriverException e) {
            pull.removeListener(events); // given up waiting: no events after this prestart has ended
            throw e;
        }
    }

    private String await(ImagePull pull, ImageRef ref, Duration timeout) {
        try {
            // a little slack so the pull's own deadline, with its better message, fires first
            return pull.result().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // a failed future's ExecutionException always has a cause
            Throwable cause = Objects.requireNonNullElse(e.getCause(), e);
            throw cause instanceof DriverException d
                    ? d
                    : DriverException.fatal(ErrorCode.INTERNAL, "pull of " + ref + " failed", cause);
        } catch (TimeoutException | CancellationException e) {
            throw DriverException.fatal(
                    ErrorCode.TIMEOUT, "image " + ref + " was not pulled within " + timeout.toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DriverException.fatal(ErrorCode.INTERNAL, "interrupted while waiting for image " + ref);
        }
    }

    /** The engine said {@code image} is missing: the next {@link #ensure} asks it again (and pulls). */
    synchronized void forget(String image) {
        known.remove(image);
    }

    /** The image id when the engine has {@code ref}, else null. */
    @Nullable
    String presentImageId(ImageRef ref) {
        try {
            return docker.inspectImageCmd(ref.canonical()).exec().getId();
        } catch (RuntimeException e) {
            if (EngineErrors.isNotFound(e)) {
                return null;
            }
            throw EngineErrors.translate("inspect image " + ref, e);
        }
    }

    /**
     * Stops this instance's timers (the driver is closing); images stay, and the pending removals stay recorded
     * for the next driver instance.
     */
    synchronized void close() {
        closed = true;
        removals.values().forEach(f -> f.cancel(false));
        removals.clear();
        if (!pending.isEmpty()) {
            LOG.info("{} image removals left pending for the next driver: {}", pending.size(), pending);
        }
    }

    private void removeIfUnused(String image, Instant deadline) {
        // the counts must include the tasks of an earlier runner before an image counts as unused
        if (!rebuildOnce()) {
            retryLater(image, deadline);
            return;
        }
        synchronized (this) {
            if (!deadline.equals(pending.get(image)) || closed) {
                return; // cancelled, or replaced by a later release
            }
            removals.remove(image);
            if (holders.containsKey(image)) {
                pending.remove(image);
                persist();
                return;
            }
            known.remove(image);
        }
        try {
            docker.removeImageCmd(image).withForce(false).exec();
            imagesRemoved.incrementAndGet();
            LOG.info("removed unused image {}", image);
        } catch (RuntimeException e) {
            if (EngineErrors.isNotFound(e)) {
                LOG.debug("image {} was already gone", image);
            } else if (EngineErrors.isConflict(e)) {
                LOG.info("image {} kept: a container still uses it", image);
            } else {
                LOG.warn(
                        "could not remove image {}: {}; trying again in {}",
                        image,
                        EngineErrors.reason(e),
                        RETRY_AFTER);
                retryLater(image, deadline);
                return;
            }
        }
        synchronized (this) {
            if (pending.remove(image, deadline)) {
                persist();
            }
        }
    }

    private synchronized void retryLater(String image, Instant deadline) {
        if (closed || !deadline.equals(pending.get(image))) {
            return;
        }
        removals.put(
                image,
                scheduler.schedule(
                        () -> removeIfUnused(image, deadline), RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * After a runner restart the counts are rebuilt from our containers' labels, so an image in use is never
     * removed because this driver instance did not start its task (Nomad #9045), and one left over is removed once
     * its tasks are cleaned up (#26452). An image a container of ours still names is no longer pending removal.
     * Returns false when the engine could not be asked (it is asked again next time).
     */
    /** Starts the rebuild on the scheduler once, without waiting: a task's start need not wait for the list. */
    private void rebuildInBackground() {
        if (!rebuildStarted.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.execute(this::rebuildOnce);
        } catch (RejectedExecutionException e) {
            LOG.debug("driver closing: image references are rebuilt on the next release, if any");
        }
    }

    private boolean rebuildOnce() {
        // callers arriving meanwhile wait: a removal must not count holders before the rebuild is in
        synchronized (rebuildLock) {
            if (!rebuilt) {
                rebuilt = rebuild();
            }
            return rebuilt;
        }
    }

    private boolean rebuild() {
        List<Container> ours;
        try {
            ours = docker.listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(Map.of(DockerLabels.MANAGED, "true"))
                    .exec();
        } catch (RuntimeException e) {
            LOG.warn("cannot list containers to rebuild image references: {}", EngineErrors.reason(e));
            return false; // asked again on the next call
        }
        synchronized (this) {
            boolean cancelled = false;
            for (Container c : ours) {
                String key = DockerLabels.taskKey(c.getLabels());
                String image = c.getLabels().get(DockerLabels.IMAGE);
                if (key != null && image != null) {
                    holders.computeIfAbsent(image, k -> new LinkedHashSet<>()).add(key);
                    cancelled |= cancelRemoval(image);
                }
            }
            if (cancelled) {
                persist();
            }
        }
        return true;
    }
}
