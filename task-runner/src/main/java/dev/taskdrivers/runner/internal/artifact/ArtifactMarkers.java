package dev.taskdrivers.runner.internal.artifact;

import dev.taskdrivers.runner.spec.ArtifactSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Remembers which artifacts a task already has, so a restart or a recovered runner does not fetch them again: a
 * small marker file per artifact, named after the digest of its definition (as interpolated), in
 * {@code <allocation dir>/.artifacts/<task>/}, beside the task directory and out of the task's sight. A changed
 * definition has another digest and is fetched.
 */
public final class ArtifactMarkers {
    private final Path dir;

    /** @param allocationDir the allocation's own directory, parent of its tasks' directories */
    public ArtifactMarkers(Path allocationDir, String taskName) {
        this.dir = allocationDir.resolve(".artifacts").resolve(taskName);
    }

    /** Whether {@code artifact} was fetched into this task's directory. */
    public boolean fetched(ArtifactSpec artifact) {
        return Files.exists(dir.resolve(digest(artifact)));
    }

    /** Records that {@code artifact} was fetched; written to a temp file first, then renamed. */
    public void record(ArtifactSpec artifact) throws IOException {
        Files.createDirectories(dir);
        Path marker = dir.resolve(digest(artifact));
        Path tmp = Files.createTempFile(dir, ".marker-", ".tmp");
        try {
            // no source or header in it: either may carry credentials
            Files.writeString(tmp, "fetched into " + artifact.destination() + " at " + Instant.now() + "\n");
            Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The hex SHA-256 of everything that decides what an artifact puts where. */
    static String digest(ArtifactSpec a) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        update(sha, a.source());
        update(sha, a.destination());
        update(sha, a.mode().specName());
        update(sha, new TreeMap<>(a.options()));
        update(sha, new TreeMap<>(a.headers()));
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, Map<String, String> map) {
        update(sha, Integer.toString(map.size()));
        map.forEach((k, v) -> {
            update(sha, k);
            update(sha, v);
        });
    }

    private static void update(MessageDigest sha, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
    }
}
