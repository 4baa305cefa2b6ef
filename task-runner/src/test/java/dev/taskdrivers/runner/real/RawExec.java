package dev.taskdrivers.runner.real;

import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Helpers for tests against the real raw_exec driver and real processes. */
public final class RawExec {

    private RawExec() {}

    /** Skips (fails under CI) unless raw_exec is on the class path and healthy. */
    public static void require(Path scratch) {
        Fingerprint f;
        try (DriverRegistry drivers = DriverRegistry.load(RawExec.class.getClassLoader(), scratch, Map.of())) {
            f = drivers.has("raw_exec")
                    ? drivers.driver("raw_exec").fingerprint()
                    : Fingerprint.undetected("raw_exec is not on the class path");
        }
        RealEnvironment.require(f.isHealthy(), "a healthy raw_exec driver (" + f.description() + ")");
    }

    /** A raw_exec task running {@code script} with /bin/sh, never restarted. */
    public static TaskSpec shell(String name, String script) {
        return TaskSpec.of(name, "raw_exec", Map.of("command", "/bin/sh", "args", List.of("-c", script)))
                .withRestart(RestartPolicy.NEVER);
    }

    /** The pids of live processes whose environment holds {@code NOMAD_ALLOC_ID} of one of these allocations. */
    public static List<Long> processesOf(Set<String> allocIds) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                String environ;
                try {
                    environ = new String(Files.readAllBytes(p.resolve("environ")));
                } catch (IOException e) {
                    continue; // exited meanwhile
                }
                for (String id : allocIds) {
                    if (environ.contains("NOMAD_ALLOC_ID=" + id + "\0") && !isZombie(p)) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return pids;
    }

    /** Kills with SIGKILL every live process of these allocations (after a failed test); returns their pids. */
    public static List<Long> killAll(Set<String> allocIds) {
        List<Long> pids = processesOf(allocIds);
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        return pids;
    }

    private static boolean isZombie(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }

    /** A generous bound for waits in real tests; they normally finish far sooner. */
    public static final Duration WAIT = Duration.ofSeconds(30);
}
