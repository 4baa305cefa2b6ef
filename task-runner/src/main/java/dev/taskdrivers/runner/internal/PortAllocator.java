package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.runner.spec.PortSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Grants host ports: static ones as asked, dynamic ones picked from a range, skipping ports another task of this
 * runner holds or that something on the host is listening on.
 */
public final class PortAllocator {
    private final String hostIp;
    private final int min;
    private final int max;
    private final Set<Integer> reserved = new HashSet<>();

    public PortAllocator(String hostIp, int min, int max) {
        if (min < 1 || max > 65535 || min > max) {
            throw new IllegalArgumentException("port range must be within 1-65535 and min <= max: " + min + "-" + max);
        }
        this.hostIp = hostIp;
        this.min = min;
        this.max = max;
    }

    /** Grants every port of a task, or none when one cannot be granted. */
    public synchronized List<Port> allocate(String taskName, List<PortSpec> specs) {
        List<Port> granted = new ArrayList<>();
        try {
            for (PortSpec spec : specs) {
                int value = spec.isDynamic() ? pickDynamic() : reserveStatic(taskName, spec);
                reserved.add(value);
                granted.add(new Port(spec.label(), value, hostIp));
            }
            return granted;
        } catch (DriverException e) {
            release(granted);
            throw e;
        }
    }

    /** Marks ports as held, e.g. those of recovered tasks. */
    public void reserve(List<Port> ports) {
        if (ports.isEmpty()) {
            return; // no lock taken: thousands of allocations recovered at once mostly have no ports
        }
        synchronized (this) {
            ports.forEach(p -> reserved.add(p.value()));
        }
    }

    public void release(List<Port> ports) {
        if (ports.isEmpty()) {
            return;
        }
        synchronized (this) {
            ports.forEach(p -> reserved.remove(p.value()));
        }
    }

    private int reserveStatic(String taskName, PortSpec spec) {
        if (reserved.contains(spec.staticPort())) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG,
                    "task " + taskName + ": static port " + spec.label() + "=" + spec.staticPort()
                            + " is already held by another task of this runner");
        }
        return spec.staticPort();
    }

    private int pickDynamic() {
        int size = max - min + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int candidate = min + (start + i) % size;
            if (!reserved.contains(candidate) && isFree(candidate)) {
                return candidate;
            }
        }
        throw new DriverException(ErrorCode.EXTERNAL, true, "no free port left in " + min + "-" + max);
    }

    private boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(hostIp))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
