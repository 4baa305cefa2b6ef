package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.exec.internal.cgroup.CgroupParent;
import dev.taskdrivers.exec.internal.process.ForkServerLauncher;
import dev.taskdrivers.exec.internal.process.LinuxSyscalls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's options of the exec driver.
 *
 * @param chrootEnv host path to path inside every task's chroot, bound read-only
 * @param allowRoot whether tasks may run as root
 * @param cgroupParent the cgroup below which each task gets its own, e.g. {@code taskdrivers}
 * @param defaultPidsLimit the pids limit of tasks that set none; 0 for none
 * @param forkServer whether tasks start through one fork server per driver, which isolates them itself (needs Perl
 *        and a known architecture); false, or neither, gives each task a shell supervisor and a chain of
 *        {@code unshare}, {@code mount} and {@code chroot} instead, which starts several times slower
 * @param allowCaps the capabilities a task may keep or add (names as in {@link LinuxCapabilities}); by default
 *        Nomad's default set for exec
 */
public record IsolatedExecOptions(
        Map<String, String> chrootEnv,
        boolean allowRoot,
        String cgroupParent,
        long defaultPidsLimit,
        boolean forkServer,
        java.util.Set<String> allowCaps) {
    /** Host paths bound into every chroot unless the operator says otherwise (those that exist). */
    public static final List<String> DEFAULT_CHROOT_ENV =
            List.of("/bin", "/etc", "/lib", "/lib32", "/lib64", "/sbin", "/usr");

    static final long DEFAULT_PIDS_LIMIT = 4096;
    /** Paths the driver itself places in the chroot. */
    static final List<String> RESERVED_TARGETS =
            List.of(ChrootLayout.ALLOC, ChrootLayout.LOCAL, ChrootLayout.SECRETS, "/proc", "/dev", "/tmp", "/");

    public IsolatedExecOptions {
        chrootEnv = Map.copyOf(chrootEnv);
        allowCaps = java.util.Set.copyOf(allowCaps);
    }

    /** The options with Nomad's default {@code allow_caps}. */
    public IsolatedExecOptions(
            Map<String, String> chrootEnv,
            boolean allowRoot,
            String cgroupParent,
            long defaultPidsLimit,
            boolean forkServer) {
        this(chrootEnv, allowRoot, cgroupParent, defaultPidsLimit, forkServer, LinuxCapabilities.TASK_DEFAULTS);
    }

    /**
     * Reads and checks the options.
     *
     * @throws ValidationException listing every problem
     */
    public static IsolatedExecOptions read(Map<String, Object> options) {
        ConfigReader r = new ConfigReader(options, "");
        Map<String, String> chrootEnv =
                r.has("chroot_env") ? new LinkedHashMap<>(r.stringMap("chroot_env")) : defaultChrootEnv();
        checkChrootEnv(r, chrootEnv);
        boolean allowRoot = r.bool("allow_root", false);
        String parent = CgroupParent.read(r);
        long pids = r.integer("default_pids_limit", DEFAULT_PIDS_LIMIT, 0, 4_194_304);
        boolean forkServer = r.bool("fork_server", true);
        java.util.Set<String> allowCaps = TaskCapabilities.readAllowed(r);
        r.throwIfInvalid();
        return new IsolatedExecOptions(chrootEnv, allowRoot, parent, pids, forkServer, allowCaps);
    }

    /** Whether tasks really start through a fork server: asked for, Perl found and the architecture known. */
    public boolean usesForkServer() {
        return forkServer
                && ForkServerLauncher.findPerl().isPresent()
                && LinuxSyscalls.forThisMachine().isPresent();
    }

    static Map<String, String> defaultChrootEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        DEFAULT_CHROOT_ENV.forEach(p -> env.put(p, p));
        return env;
    }

    private static void checkChrootEnv(ConfigReader r, Map<String, String> chrootEnv) {
        List<String> targets = new ArrayList<>();
        chrootEnv.forEach((source, target) -> {
            String field = "chroot_env." + source;
            if (!isCleanAbsolute(source)) {
                r.problem(field, "the host path must be absolute and normalized (no '..'), got \"" + source + "\"");
            }
            if (!isCleanAbsolute(target)) {
                r.problem(field, "the chroot path must be absolute and normalized (no '..'), got \"" + target + "\"");
            } else if (RESERVED_TARGETS.contains(target)) {
                r.problem(field, "the chroot path " + target + " is set up by the driver itself");
            } else {
                targets.add(target);
            }
        });
        for (String a : targets) {
            for (String b : targets) {
                if (!a.equals(b) && Path.of(a).startsWith(Path.of(b))) {
                    r.problem("chroot_env", "chroot path " + a + " is inside " + b + ", which is bound read-only");
                }
            }
        }
    }

    private static boolean isCleanAbsolute(String path) {
        return path.startsWith("/") && Path.of(path).normalize().toString().equals(path) && !path.contains("\n");
    }
}
