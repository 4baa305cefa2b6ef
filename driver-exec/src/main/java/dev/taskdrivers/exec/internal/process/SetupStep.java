package dev.taskdrivers.exec.internal.process;

import java.util.Objects;

/**
 * One step of an isolated task's set-up, made by the fork server's child inside the task's new mount namespace (see
 * {@link Isolation}): a mount(2) call, a directory, empty file or symbolic link created (as mount points in a
 * filesystem of the task's own, or a cgroup), or a value written to a file (a cgroup limit). Empty strings stand for
 * NULL in mount calls.
 *
 * @param op {@code mount}, {@code mounthost}, {@code bindhost}, {@code mkdir}, {@code file}, {@code symlink} or
 *        {@code write}
 * @param source what is mounted (a path for a bind mount, a name such as {@code tmpfs} otherwise); what a link
 *        points to
 * @param target where
 * @param fsType the filesystem type of a mount; empty for bind mounts and remounts
 * @param flags {@code MS_*} flags of a mount; the mode of a directory; for a write, 1 when a missing file is skipped
 * @param data filesystem options such as {@code mode=1777}; the value a write writes
 */
public record SetupStep(String op, String source, String target, String fsType, long flags, String data) {
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_REMOUNT = 32;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_PRIVATE = 1 << 18;

    static final String MOUNT = "mount";
    static final String MKDIR = "mkdir";
    static final String FILE = "file";
    static final String SYMLINK = "symlink";
    static final String WRITE = "write";
    static final String BIND_FROM_HOST = "bindhost";
    static final String MOUNT_ON_HOST = "mounthost";
    static final String JOIN_NETWORK = "joinnet";

    public SetupStep {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(fsType, "fsType");
        Objects.requireNonNull(data, "data");
    }

    /**
     * Joins the network namespace {@code namespaceFile} (such as {@code /run/netns/NAME}, as the host's mount
     * namespace sees it), taken by the server's child before it makes namespaces of its own, whatever its place
     * among the steps.
     */
    public static SetupStep joinNetwork(String namespaceFile) {
        return new SetupStep(JOIN_NETWORK, namespaceFile, "", "", 0, "");
    }

    /** Makes every mount below {@code /} private, so nothing mounted afterwards propagates to the host. */
    public static SetupStep privatePropagation() {
        return new SetupStep(MOUNT, "", "/", "", MS_REC | MS_PRIVATE, "");
    }

    /** Binds {@code source} at {@code target}; the bind takes its own flags only through {@link #remount}. */
    public static SetupStep bind(String source, String target) {
        return new SetupStep(MOUNT, source, target, "", MS_BIND, "");
    }

    /**
     * Binds {@code source} as the host's mount namespace sees it at {@code target}: a filesystem mounted there after
     * the fork server left the host's namespace (which does not propagate to the server's when the host's mounts are
     * private) is bound itself, not the directory it covers. Needs open_tree(2) and move_mount(2) (Linux 5.2).
     */
    public static SetupStep bindFromHost(String source, String target) {
        return new SetupStep(BIND_FROM_HOST, source, target, "", 0, "");
    }

    /**
     * A new filesystem of {@code fsType} at {@code target} mounted in the host's mount namespace (as the fork server
     * found it at its start), by the server's child before it makes namespaces of its own: such steps are taken
     * first, whatever their place among the steps, and what they mount stays on the host after the task.
     */
    public static SetupStep filesystemOnHost(String fsType, String target, long flags, String data) {
        return new SetupStep(MOUNT_ON_HOST, fsType, target, fsType, flags, data);
    }

    /** Applies {@code flags} (e.g. read-only) to the bind mount at {@code target}. */
    public static SetupStep remount(String target, long flags) {
        return new SetupStep(MOUNT, "", target, "", MS_REMOUNT | MS_BIND | flags, "");
    }

    /** A new filesystem of {@code fsType} (tmpfs, proc) at {@code target}. */
    public static SetupStep filesystem(String fsType, String target, long flags, String data) {
        return new SetupStep(MOUNT, fsType, target, fsType, flags, data);
    }

    /** Creates the directory {@code path} (its parent must exist) with {@code mode}. */
    public static SetupStep directory(String path, int mode) {
        return new SetupStep(MKDIR, "", path, "", mode, "");
    }

    /** Creates the empty file {@code path}, e.g. to bind a file or device onto. */
    public static SetupStep emptyFile(String path) {
        return new SetupStep(FILE, "", path, "", 0, "");
    }

    /** Writes {@code value} to the existing file {@code path}. */
    public static SetupStep write(String path, String value) {
        return new SetupStep(WRITE, "", path, "", 0, value);
    }

    /** Writes {@code value} to {@code path} when the file exists (the kernel may not offer it). */
    public static SetupStep writeIfPresent(String path, String value) {
        return new SetupStep(WRITE, "", path, "", 1, value);
    }

    /** Whether this step writes a value to a file. */
    public boolean isWrite() {
        return op.equals(WRITE);
    }

    /** Whether this step creates a directory. */
    public boolean isDirectory() {
        return op.equals(MKDIR);
    }

    /** Whether a write skips a missing file. */
    public boolean skipsMissingFile() {
        return flags == 1;
    }

    /** Creates the symbolic link {@code path} pointing to {@code linkTarget}. */
    public static SetupStep symlink(String linkTarget, String path) {
        return new SetupStep(SYMLINK, linkTarget, path, "", 0, "");
    }
}
