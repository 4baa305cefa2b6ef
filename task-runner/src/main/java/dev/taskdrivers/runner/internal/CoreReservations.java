package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out the cpu cores this runner may use to tasks that ask for {@code resources.cores}, each core to one task
 * at a time, as Nomad's {@code cores} does: a task gets the lowest free ids, keeps them across its restarts and gives
 * them back when it ends for good. A task asking for more cores than are free is refused.
 */
public final class CoreReservations {
    private static final Logger LOG = LoggerFactory.getLogger(CoreReservations.class);

    private final Supplier<List<Integer>> usableSource;
    // guarded by this
    private @Nullable List<Integer> usable;
    private final Map<TaskId, List<Integer>> held = new LinkedHashMap<>();

    /** Reservations of the cores {@code usable} names; it is asked once, when a task first asks for cores. */
    public CoreReservations(Supplier<List<Integer>> usable) {
        this.usableSource = usable;
    }

    /**
     * The cores {@code task} holds, reserving {@code count} of the lowest free ones when it holds none yet.
     *
     * @throws CoresUnavailableException when fewer than {@code count} cores are free
     */
    public synchronized List<Integer> reserve(TaskId task, int count) {
        List<Integer> own = held.get(task);
        if (own != null) {
            return own;
        }
        List<Integer> cores = usable();
        Set<Integer> taken = taken();
        List<Integer> granted = new ArrayList<>();
        for (Integer core : cores) {
            if (granted.size() == count) {
                break;
            }
            if (!taken.contains(core)) {
                granted.add(core);
            }
        }
        if (granted.size() < count) {
            throw new CoresUnavailableException(refusal(count, cores, granted.size()));
        }
        List<Integer> reserved = List.copyOf(granted);
        held.put(task, reserved);
        return reserved;
    }

    /**
     * Marks the cores a recovered task recorded as its own. They are its own even if another task recorded some of
     * them too (a state written by a runner that did not share cores out): that is logged, not refused, as both tasks
     * run on them already.
     */
    public synchronized void restore(TaskId task, List<Integer> cores) {
        if (cores.isEmpty()) {
            return;
        }
        Set<Integer> shared = new HashSet<>(cores);
        shared.retainAll(taken());
        if (!shared.isEmpty()) {
            LOG.warn("task {} recorded cores {} that another task holds too: {}", task, cpuset(cores), cpuset(shared));
        }
        held.put(task, List.copyOf(cores));
    }

    /** Gives back the cores {@code task} holds, if any. */
    public synchronized void release(TaskId task) {
        held.remove(task);
    }

    /** The cores {@code task} holds; empty when none. */
    public synchronized List<Integer> heldBy(TaskId task) {
        return held.getOrDefault(task, List.of());
    }

    /** The lowest {@code count} of the usable cores: those a runner that did not share cores out gave every task. */
    public synchronized List<Integer> lowest(int count) {
        List<Integer> cores = usable();
        return List.copyOf(cores.subList(0, Math.min(count, cores.size())));
    }

    private List<Integer> usable() {
        List<Integer> known = usable;
        if (known == null) {
            known = List.copyOf(usableSource.get());
            usable = known;
        }
        return known;
    }

    private Set<Integer> taken() {
        Set<Integer> taken = new HashSet<>();
        held.values().forEach(taken::addAll);
        return taken;
    }

    private String refusal(int count, List<Integer> cores, int free) {
        String asked = "resources.cores: the task asks for " + count + (count == 1 ? " core" : " cores");
        if (count > cores.size()) {
            return asked + ", but this runner may use only " + cores.size() + " (" + cpuset(cores) + ")";
        }
        StringJoiner holders = new StringJoiner(", ");
        // by their lowest core: the same text whichever task reserved first
        held.entrySet().stream()
                .sorted(Comparator.comparing(e -> Collections.min(e.getValue())))
                .forEach(e -> holders.add(
                        e.getKey().allocName() + "/" + e.getKey().taskName() + " (" + cpuset(e.getValue()) + ")"));
        return asked + ", but only " + free + " of the " + cores.size() + " cores this runner may use (" + cpuset(cores)
                + ") " + (free == 1 ? "is" : "are") + " free: the others are held by " + holders;
    }

    /** Cores in the kernel's cpuset notation, {@code 0-2,5}. */
    static String cpuset(Collection<Integer> cores) {
        return Resources.defaults().withReservedCores(List.copyOf(cores)).cpuset();
    }

    /** Too few free cores for a task: the message names {@code resources.cores}, the free ones and their holders. */
    public static final class CoresUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CoresUnavailableException(String message) {
            super(message);
        }
    }
}
