package dev.taskdrivers.runner.internal.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Clones a git repository with the {@code git} executable into a temp directory inside the task directory, checks
 * out the ref, checks the checkout (size and file count within the operator's limits, no link leading out of it) and
 * only then moves it (or its subdirectory) into the destination. Submodules are fetched too ({@link GitSubmodules})
 * and count against the same limits. The temp directory goes whatever happens; an ssh
 * key lives in a 0600 file outside the task directory for the clone's duration only.
 */
final class GitFetch {
    /** How often a running clone's size is measured against the limit. */
    private static final long MEASURE_NANOS = Duration.ofSeconds(1).toNanos();

    private final String executable;
    private final Duration timeout;
    private final long maxBytes;
    private final int maxEntries;

    GitFetch(String executable, Duration timeout, long maxBytes, int maxEntries) {
        this.executable = executable;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
    }

    /** Clones {@code source} into {@code destination}, a directory inside {@code taskDir}. */
    void fetch(GitSource source, Path taskDir, Path destination, BooleanSupplier cancelled) throws IOException {
        Path staging = Files.createTempDirectory(taskDir, ".artifact-");
        Path home = Files.createTempDirectory("taskdrivers-git-");
        try {
            Path clone = staging.resolve("repo");
            long[] nextMeasure = {System.nanoTime() + MEASURE_NANOS};
            GitCommand git = new GitCommand(
                    executable,
                    home,
                    environment(source, home),
                    System.nanoTime() + timeout.toNanos(),
                    cancelled,
                    () -> {
                        if (System.nanoTime() - nextMeasure[0] > 0) {
                            nextMeasure[0] = System.nanoTime() + MEASURE_NANOS;
                            checkSize(staging);
                        }
                    });
            cloneAndCheckOut(git, source, staging, clone);
            GitSubmodules.update(git, source, clone);
            checkSize(staging);
            Path selected = selected(clone, source.subdir());
            checkEntries(selected);
            Path realSelected = selected.toRealPath();
            LinkCheck.requireInside(realSelected, GitFetch::unsafe);
            StagedTree.moveInto(realSelected, destination);
        } finally {
            Trees.delete(home);
            Trees.delete(staging);
        }
    }

    private static void cloneAndCheckOut(GitCommand git, GitSource source, Path staging, Path clone)
            throws IOException {
        String ref = source.ref().orElse(null);
        int depth = source.depth();
        List<String> clone_ = new ArrayList<>(List.of("clone", "--quiet", "--template="));
        if (depth > 0 && ref != null && source.refIsCommit()) {
            // a commit is no branch to clone: fetch just it, as deep as asked
            git.run(staging, "git init", List.of("init", "--quiet", "--template=", "repo"));
            git.run(clone, "git remote add", List.of("remote", "add", "origin", source.remote()));
            git.run(
                    clone,
                    "git fetch of commit " + ref,
                    List.of("fetch", "--quiet", "--depth=" + depth, "origin", ref));
            git.run(clone, "git checkout of " + ref, checkout("FETCH_HEAD"));
            return;
        }
        if (depth > 0) {
            clone_.add("--depth=" + depth);
            if (ref != null) {
                clone_.add("--branch=" + ref);
            }
        } else if (ref != null) {
            clone_.add("--no-checkout");
        }
        clone_.addAll(List.of("--", source.remote(), "repo"));
        git.run(staging, "git clone", clone_);
        if (depth == 0 && ref != null) {
            git.run(clone, "git checkout of ref \"" + ref + "\"", checkout(ref));
        }
    }

    private static List<String> checkout(String ref) {
        return List.of("-c", "advice.detachedHead=false", "checkout", "--quiet", ref, "--");
    }

    /** Protocols the clone may use and, for ssh, a command that never prompts (and the key, when given). */
    private static Map<String, String> environment(GitSource source, Path home) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put(GitCommand.ALLOW_PROTOCOL, GitSubmodules.cloneProtocols(source));
        String ssh = "ssh -o BatchMode=yes";
        if (source.sshKey().isPresent()) {
            Path key = Files.createFile(
                    home.resolve("ssh-key"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(key, Base64.getDecoder().decode(source.sshKey().get().strip()));
            ssh += " -o IdentitiesOnly=yes -i '" + key + "'";
        }
        env.put("GIT_SSH_COMMAND", ssh);
        return env;
    }

    /** The part of the clone that goes into the destination: all of it, or its subdirectory. */
    private static Path selected(Path clone, String subdir) throws IOException {
        if (subdir.isEmpty()) {
            return clone;
        }
        Path sub = clone.resolve(subdir).normalize();
        if (!Files.isDirectory(sub, LinkOption.NOFOLLOW_LINKS)) {
            throw ArtifactFetchException.recoverable("the repository has no directory \"" + subdir + "\"");
        }
        if (!sub.toRealPath().startsWith(clone.toRealPath())) {
            throw unsafe(subdir, "leads outside the repository");
        }
        return sub;
    }

    private void checkSize(Path root) {
        long[] bytes = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    bytes[0] += attrs.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // git removed or renamed it meanwhile
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return; // measured again later
        }
        if (bytes[0] > maxBytes) {
            throw ArtifactFetchException.permanent(
                    "the clone is larger than " + maxBytes + " bytes (decompression_size_limit)");
        }
    }

    /** Counts the files, directories and links checked out (git's own .git entries, a submodule's too, aside). */
    private void checkEntries(Path root) throws IOException {
        int[] entries = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                if (isGit(dir)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                count();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!isGit(file)) {
                    count();
                }
                return FileVisitResult.CONTINUE;
            }

            /** A repository cannot track a .git of its own: every one is git's (a submodule's is a file). */
            private boolean isGit(Path entry) {
                Path name = entry.getFileName();
                return name != null && name.toString().equals(".git");
            }

            private void count() {
                if (++entries[0] > maxEntries) {
                    throw ArtifactFetchException.permanent("the checkout holds more than " + maxEntries
                            + " files and directories (decompression_file_count_limit)");
                }
            }
        });
    }

    private static ArtifactFetchException unsafe(String name, String why) {
        return ArtifactFetchException.permanent("repository entry \"" + name + "\" " + why + ": refused");
    }
}
