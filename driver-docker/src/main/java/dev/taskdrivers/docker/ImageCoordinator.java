package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images of one driver: de-duplicates concurrent pulls of an image, and counts which tasks hold which image.
 * When the last holder lets go, the image is removed after a delay, unless a task wants it again first.
 *
 * <p>Holders are task keys, so holding twice is holding once: recover, prestart and the rebuild from container
 * labels after a restart may all name the same task. The engine itself refuses to remove an image a container
 * still uses, which guards images used by tasks this driver has not seen yet.
 */
final class ImageCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(ImageCoordinator.class);

    private final DockerClient docker;
    private final DockerDriverOptions options;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Set<String>> holders = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> removals = new HashMap<>();
    private final Map<String, ImagePull> pulls = new HashMap<>();
    /** Image ids this driver saw present or pulled; dropped when it removes the image or a create misses it. */
    private final Map<String, String> known = new HashMap<>();
    private final AtomicInteger pullsStarted = new AtomicInteger();
    private final AtomicInteger imagesRemoved = new AtomicInteger();
    private boolean rebuilt;

    ImageCoordinator(DockerClient docker, DockerDriverOptions options, ScheduledExecutorService scheduler) {
        this.docker = docker;
        this.options = options;
        this.scheduler = scheduler;
    }

    /** Marks {@code image} as used by {@code holder} and cancels a pending removal of it. */
    void acquire(String image, String holder) {
        rebuildOnce();
        synchronized (this) {
            holders.computeIfAbsent(image, k -> new LinkedHashSet<>()).add(holder);
            ScheduledFuture<?> removal = removals.remove(image);
            if (removal != null) {
                removal.cancel(false);
                LOG.debug("removal of image {} cancelled: {} wants it", image, holder);
            }
        }
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
            if (!options.imageRemoval() || removals.containsKey(image)) {
                return;
            }
            LOG.debug("image {} unused; removing it in {}", image, options.imageRemovalDelay());
            removals.put(image, scheduler.schedule(() -> removeIfUnused(image),
                    options.imageRemovalDelay().toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** The tasks holding {@code image}, for tests and diagnostics. */
    synchronized Set<String> holders(String image) {
        return Set.copyOf(holders.getOrDefault(image, Set.of()));
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
    String ensure(ImageRef ref, boolean forcePull, RegistryCredentials credentials, Duration timeout,
            EventEmitter events) {
        ImagePull pull;
        boolean first;
        synchronized (this) {
            String knownId = known.get(ref.canonical());
            if (knownId != null && !forcePull) {
                // no engine call: an image removed behind our back is caught by the create, which pulls again
                return knownId;
            }
            pull = pulls.get(ref.canonical());
            first = pull == null;
            if (first) {
                pull = new ImagePull(docker, ref, credentials, options.pullActivityTimeout(), timeout,
                        options.pullProgressInterval(), scheduler);
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
            events.driverEvent("Waiting for image " + ref.canonical() + ", which another task is pulling",
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
            throw e.getCause() instanceof DriverException d ? d
                    : DriverException.fatal(ErrorCode.INTERNAL, "pull of " + ref + " failed", e.getCause());
        } catch (TimeoutException | CancellationException e) {
            throw DriverException.fatal(ErrorCode.TIMEOUT, "image " + ref + " was not pulled within "
                    + timeout.toSeconds() + "s");
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

    /** Cancels pending removals (the driver is closing); images stay. */
    synchronized void close() {
        removals.values().forEach(f -> f.cancel(false));
        removals.clear();
    }

    private void removeIfUnused(String image) {
        synchronized (this) {
            removals.remove(image);
            if (holders.containsKey(image)) {
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
                return;
            }
            if (EngineErrors.isConflict(e)) {
                LOG.info("image {} kept: a container still uses it", image);
                return;
            }
            LOG.warn("could not remove image {}: {}", image, EngineErrors.reason(e));
        }
    }

    /**
     * After a runner restart the counts are rebuilt from our containers' labels, so an image in use is never
     * removed because this driver instance did not start its task (Nomad #9045), and one left over is removed once
     * its tasks are cleaned up (#26452).
     */
    private void rebuildOnce() {
        synchronized (this) {
            if (rebuilt) {
                return;
            }
            rebuilt = true;
        }
        List<Container> ours;
        try {
            ours = docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(DockerLabels.MANAGED, "true")).exec();
        } catch (RuntimeException e) {
            synchronized (this) {
                rebuilt = false; // try again on the next call
            }
            LOG.warn("cannot list containers to rebuild image references: {}", EngineErrors.reason(e));
            return;
        }
        synchronized (this) {
            for (Container c : ours) {
                String key = DockerLabels.taskKey(c.getLabels());
                String image = c.getLabels().get(DockerLabels.IMAGE);
                if (key != null && image != null) {
                    holders.computeIfAbsent(image, k -> new LinkedHashSet<>()).add(key);
                }
            }
        }
    }
}
