package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskMount;
import dev.taskdrivers.exec.internal.cgroup.MountInfo;
import dev.taskdrivers.exec.internal.process.SetupStep;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's root directory: on the host only empty mount points; inside the task's mount namespace the chroot_env
 * paths bound read-only and the task's directories bound writable. Nothing is copied, so setting it up costs the
 * same whatever the size of {@code /usr}.
 */
public final class ChrootLayout {
    private static final Logger LOG = LoggerFactory.getLogger(ChrootLayout.class);

    /** Where the task's directories appear inside the chroot. */
    public static final String ALLOC = "/alloc";

    public static final String LOCAL = "/local";
    public static final String SECRETS = "/secrets";
    /** Devices bound from the host into the chroot's own small {@code /dev}. */
    static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");

    private final Path root;
    private final List<Bind> binds;
    /** The task's volume mounts, bound after its own directories (their mount points are inside those). */
    private final List<Bind> volumes;

    private final TaskDirs dirs;

    /**
     * @param root the directory that becomes the task's {@code /}
     * @param chrootEnv host path to path inside the chroot, bound read-only; sources that do not exist are skipped
     * @param dirs the task's directories, bound writable at {@link #ALLOC}, {@link #LOCAL} and {@link #SECRETS}
     */
    public ChrootLayout(Path root, Map<String, String> chrootEnv, TaskDirs dirs) {
        this(root, chrootEnv, dirs, List.of());
    }

    /**
     * @param volumes the task's volume mounts, each below {@link #ALLOC} or {@link #LOCAL} (see
     *        {@link #volumeProblems}), bound from the host as it sees them, read-only when they say so
     */
    public ChrootLayout(Path root, Map<String, String> chrootEnv, TaskDirs dirs, List<TaskMount> volumes) {
        this.root = root;
        this.dirs = dirs;
        List<Bind> volumeBinds = new ArrayList<>();
        for (TaskMount m : volumes) {
            volumeBinds.add(new Bind(m.hostPath(), m.taskPath(), m.readOnly()));
        }
        volumeBinds.sort(Comparator.comparing(b -> Path.of(b.target()).getNameCount()));
        this.volumes = List.copyOf(volumeBinds);
        List<Bind> all = new ArrayList<>();
        chrootEnv.forEach((source, target) -> {
            if (Files.exists(Path.of(source))) {
                all.add(new Bind(Path.of(source), target, true));
            }
        });
        all.add(new Bind(dirs.allocDir(), ALLOC, false));
        all.add(new Bind(dirs.localDir(), LOCAL, false));
        all.add(new Bind(dirs.secretsDir(), SECRETS, false));
        // parents before children, so a bind inside another bind lands on top of it
        all.sort(Comparator.comparing(b -> Path.of(b.target()).getNameCount()));
        this.binds = List.copyOf(all);
    }

    public Path root() {
        return root;
    }

    /** What is bound where, parents first. */
    public List<Bind> binds() {
        return binds;
    }

    /**
     * Why the driver cannot mount these volumes: its chroot's root is shared and read-only, so a mount point can only
     * be made inside the task's own writable directories, and every mount is private to the task.
     */
    public static List<String> volumeProblems(List<TaskMount> volumes) {
        List<String> problems = new ArrayList<>();
        for (TaskMount m : volumes) {
            Path target = Path.of(m.taskPath()).normalize();
            if (!(target.startsWith(ALLOC) || target.startsWith(LOCAL))
                    || target.equals(Path.of(ALLOC))
                    || target.equals(Path.of(LOCAL))) {
                problems.add("the exec driver mounts volumes below " + ALLOC + "/ or " + LOCAL
                        + "/ (e.g. ${NOMAD_ALLOC_DIR}/data), got \"" + m.taskPath() + "\"");
            }
            if (m.propagation() != TaskMount.Propagation.PRIVATE) {
                problems.add("the exec driver mounts volumes with propagation_mode \"private\" only, got \""
                        + m.propagation().specName() + "\" for \"" + m.taskPath() + "\"");
            }
        }
        return problems;
    }

    /**
     * Creates each volume's mount point in the task's directory it lies in (the host's side of the chroot's
     * {@link #ALLOC} or {@link #LOCAL}), so both ways of setting the task up find it.
     */
    public void createVolumeMountPoints() {
        try {
            for (Bind v : volumes) {
                Files.createDirectories(hostSideOf(v.target()));
            }
        } catch (IOException e) {
            throw DriverException.fatal(ErrorCode.INTERNAL, "cannot create a volume's mount point: " + e, e);
        }
    }

    private Path hostSideOf(String target) {
        Path t = Path.of(target).normalize();
        Path top = Path.of(ALLOC);
        Path dir = dirs.allocDir();
        if (t.startsWith(LOCAL)) {
            top = Path.of(LOCAL);
            dir = dirs.localDir();
        }
        Path inside = dir.resolve(top.relativize(t).toString()).normalize();
        if (!inside.startsWith(dir)) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, "a volume's destination leaves " + top + ": " + t);
        }
        return inside;
    }

    /** Creates the empty mount points on the host, for {@link #fstab()}. */
    public void createMountPoints() {
        try {
            Files.createDirectories(root);
            for (Path dir : List.of(inRoot("/proc"), inRoot("/dev"), inRoot("/tmp"))) {
                Files.createDirectories(dir);
            }
            // device nodes are bound onto empty files; /dev itself stays a root-owned directory of the host
            for (String device : DEVICES) {
                if (!Files.exists(inRoot("/dev/" + device))) {
                    Files.createFile(inRoot("/dev/" + device));
                }
            }
            if (!Files.exists(inRoot("/dev/fd"), LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(inRoot("/dev/fd"), Path.of("/proc/self/fd"));
            }
            for (Bind b : binds) {
                Path point = inRoot(b.target());
                Files.createDirectories(point.getParent());
                if (Files.isDirectory(b.source())) {
                    Files.createDirectories(point);
                } else if (!Files.exists(point)) {
                    Files.createFile(point);
                }
            }
        } catch (IOException e) {
            throw DriverException.fatal(ErrorCode.INTERNAL, "cannot create the chroot at " + root + ": " + e, e);
        }
    }

    /**
     * The mounts as an fstab, for one {@code mount -a --fstab} run as root inside the task's new mount namespace:
     * one process for all of them however many there are. The mounts live only in that namespace and vanish with
     * its last process.
     */
    public String fstab() {
        StringBuilder tab = new StringBuilder();
        for (Bind b : binds) {
            line(
                    tab,
                    b.source().toString(),
                    inRoot(b.target()),
                    "none",
                    b.readOnly()
                            ? "bind,ro,nosuid"
                            : b.target().equals(SECRETS) ? "bind,nosuid,nodev,noexec" : "bind,nosuid,nodev");
        }
        for (Bind v : volumes) {
            line(
                    tab,
                    v.source().toString(),
                    inRoot(v.target()),
                    "none",
                    v.readOnly() ? "bind,ro,nosuid,nodev" : "bind,nosuid,nodev");
        }
        for (String device : DEVICES) {
            line(tab, "/dev/" + device, inRoot("/dev/" + device), "none", "bind");
        }
        line(tab, "tmpfs", inRoot("/tmp"), "tmpfs", "mode=1777,nosuid,nodev");
        return tab.toString();
    }

    /**
     * The part of the chroot that is the same for every task of a driver, for the fork server to build once in its
     * own mount namespace (each task's namespace starts as a copy of it): a tmpfs on the root holding the mount
     * points (on the host the root stays one empty directory, and making them costs no disk writes), the chroot_env
     * paths bound read-only, the devices, and last the root made read-only. The first step mounts the root.
     */
    public List<SetupStep> templateSteps() {
        List<SetupStep> steps = new ArrayList<>();
        String top = root.toString();
        steps.add(SetupStep.filesystem("tmpfs", top, SetupStep.MS_NOSUID | SetupStep.MS_NODEV, "mode=0755"));
        Set<String> created = new HashSet<>();
        for (String dir : List.of("/proc", "/dev", "/tmp")) {
            directories(inRoot(dir), steps, created);
        }
        for (String device : DEVICES) {
            steps.add(SetupStep.emptyFile(inRoot("/dev/" + device).toString()));
        }
        steps.add(SetupStep.symlink("/proc/self/fd", inRoot("/dev/fd").toString()));
        for (Bind b : binds) {
            Path point = inRoot(b.target());
            directories(point.getParent(), steps, created);
            if (Files.isDirectory(b.source())) {
                directories(point, steps, created);
            } else {
                steps.add(SetupStep.emptyFile(point.toString()));
            }
        }
        for (Bind b : binds) {
            if (b.readOnly()) {
                String target = inRoot(b.target()).toString();
                steps.add(SetupStep.bind(b.source().toString(), target));
                steps.add(SetupStep.remount(target, SetupStep.MS_RDONLY | SetupStep.MS_NOSUID));
            }
        }
        for (String device : DEVICES) {
            steps.add(SetupStep.bind("/dev/" + device, inRoot("/dev/" + device).toString()));
        }
        steps.add(new SetupStep(
                "mount",
                "",
                top,
                "",
                SetupStep.MS_REMOUNT | SetupStep.MS_RDONLY | SetupStep.MS_NOSUID | SetupStep.MS_NODEV,
                ""));
        return steps;
    }

    /**
     * What each task adds inside its new mount namespace, a copy of the {@linkplain #templateSteps template}: every
     * mount made private (nothing propagates back), its own directories bound writable, its own {@code /tmp}, and a
     * {@code /proc} of its own pid namespace. The secrets directory is bound as the host sees it (its tmpfs) and
     * {@code noexec}.
     */
    public List<SetupStep> taskSteps() {
        List<SetupStep> steps = new ArrayList<>();
        steps.add(SetupStep.privatePropagation());
        for (Bind b : binds) {
            if (b.target().equals(SECRETS)) {
                // its tmpfs was mounted on the host after the server left the host's mount namespace
                String target = inRoot(b.target()).toString();
                steps.add(SetupStep.bindFromHost(b.source().toString(), target));
                steps.add(SetupStep.remount(target, SetupStep.MS_NOSUID | SetupStep.MS_NODEV | SetupStep.MS_NOEXEC));
            } else if (!b.readOnly()) {
                String target = inRoot(b.target()).toString();
                steps.add(SetupStep.bind(b.source().toString(), target));
                steps.add(SetupStep.remount(target, SetupStep.MS_NOSUID | SetupStep.MS_NODEV));
            }
        }
        Map<Path, String> boundAt = new HashMap<>();
        for (Bind v : volumes) {
            // as the host sees it: a volume published after the fork server started is bound itself; a source taken
            // from the host once is bound again from where it was put (the host's tree is taken once per source)
            String target = inRoot(v.target()).toString();
            String earlier = boundAt.putIfAbsent(v.source(), target);
            steps.add(
                    earlier == null
                            ? SetupStep.bindFromHost(v.source().toString(), target)
                            : SetupStep.bind(earlier, target));
            steps.add(SetupStep.remount(
                    target, (v.readOnly() ? SetupStep.MS_RDONLY : 0) | SetupStep.MS_NOSUID | SetupStep.MS_NODEV));
        }
        steps.add(SetupStep.filesystem(
                "tmpfs", inRoot("/tmp").toString(), SetupStep.MS_NOSUID | SetupStep.MS_NODEV, "mode=1777"));
        steps.add(SetupStep.filesystem(
                "proc",
                inRoot("/proc").toString(),
                SetupStep.MS_NOSUID | SetupStep.MS_NODEV | SetupStep.MS_NOEXEC,
                ""));
        return steps;
    }

    /** Adds a step for {@code dir} and each of its missing ancestors below the root, parents first. */
    private void directories(@Nullable Path dir, List<SetupStep> steps, Set<String> created) {
        if (dir == null || dir.equals(root) || !dir.startsWith(root) || created.contains(dir.toString())) {
            return;
        }
        directories(dir.getParent(), steps, created);
        created.add(dir.toString());
        steps.add(SetupStep.directory(dir.toString(), 0755));
    }

    private static void line(StringBuilder tab, String source, Path target, String type, String options) {
        tab.append(escape(source))
                .append(' ')
                .append(escape(target.toString()))
                .append(' ')
                .append(type)
                .append(' ')
                .append(options)
                .append(" 0 0\n");
    }

    /** fstab fields cannot hold blanks or backslashes; mount reads them back from octal escapes. */
    private static String escape(String field) {
        return field.replace("\\", "\\134")
                .replace(" ", "\\040")
                .replace("\t", "\\011")
                .replace("\n", "\\012");
    }

    /**
     * Unmounts whatever is still mounted below the root in the host's view (normally nothing: the task's mounts
     * live in its own namespace), then removes the mount points. Only empty directories and empty files are
     * deleted, never following links, so nothing bound in can ever be removed through the chroot. Idempotent.
     */
    public void remove(java.util.function.Supplier<MountInfo> hostMounts) {
        for (MountInfo.Mount m : hostMounts.get().under(root)) {
            LOG.warn("unmounting {} left in the host namespace", m.mountPoint());
            Mounts.unmountLazily(m.mountPoint());
        }
        List<MountInfo.Mount> stuck = hostMounts.get().under(root);
        if (!stuck.isEmpty()) {
            throw new DriverException(
                    ErrorCode.EXTERNAL, true, "cannot unmount " + stuck.get(0).mountPoint());
        }
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> leftovers = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> all = walk.sorted(
                            Comparator.comparingInt(Path::getNameCount).reversed())
                    .toList();
            for (Path p : all) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        || Files.isSymbolicLink(p)
                        || (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == 0)) {
                    try {
                        Files.delete(p);
                    } catch (DirectoryNotEmptyException e) {
                        // holds something the driver did not create, reported below
                    }
                } else {
                    leftovers.add(p);
                }
            }
        } catch (IOException e) {
            throw DriverException.recoverable(ErrorCode.EXTERNAL, "cannot remove the chroot " + root + ": " + e, e);
        }
        if (!leftovers.isEmpty()) {
            throw DriverException.fatal(
                    ErrorCode.EXTERNAL,
                    "the chroot " + root + " holds files the driver did not" + " create, left in place: "
                            + leftovers.subList(0, Math.min(5, leftovers.size())));
        }
    }

    private Path inRoot(String target) {
        return root.resolve(target.substring(1));
    }

    /**
     * One bind mount.
     *
     * @param source the host path
     * @param target where it appears inside the chroot (absolute)
     * @param readOnly whether the task may only read it: true for the chroot_env paths, false for the task's own
     *        directories
     */
    public record Bind(Path source, String target, boolean readOnly) {}
}
