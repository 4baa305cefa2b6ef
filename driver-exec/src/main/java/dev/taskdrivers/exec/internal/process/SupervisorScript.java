package dev.taskdrivers.exec.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The supervisor scripts shipped in this jar ({@code supervisor.sh}, {@code forkserver.pl}, {@code taskentry.pl}), installed as files so
 * an interpreter can run them.
 *
 * <p>The file name carries a hash of the content and an installed file is never rewritten: a shell reads its script
 * while it runs, so supervisors started by an older version keep reading the script they started with.
 */
public final class SupervisorScript {
    private static final String RESOURCE = "supervisor.sh";
    private static final String FORK_SERVER_RESOURCE = "forkserver.pl";
    private static final String TASK_ENTRY_RESOURCE = "taskentry.pl";

    private SupervisorScript() {}

    /** Installs the script into {@code dir} (if not there yet) and returns its absolute path. */
    public static Path install(Path dir) throws IOException {
        return install(dir, RESOURCE, "supervisor", ".sh");
    }

    /** Installs the fork server's Perl script into {@code dir} (if not there yet) and returns its absolute path. */
    public static Path installForkServer(Path dir) throws IOException {
        return install(dir, FORK_SERVER_RESOURCE, "forkserver", ".pl");
    }

    /** Installs the Perl script that enters an isolated task's chroot (if not there yet); its absolute path. */
    public static Path installTaskEntry(Path dir) throws IOException {
        return install(dir, TASK_ENTRY_RESOURCE, "taskentry", ".pl");
    }

    private static Path install(Path relativeOrAbsoluteDir, String resource, String prefix, String suffix)
            throws IOException {
        // interpreters run it from other working directories
        Path dir = relativeOrAbsoluteDir.toAbsolutePath();
        byte[] content;
        try (InputStream in = SupervisorScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " missing from the driver-exec jar");
            }
            content = in.readAllBytes();
        }
        Path target = dir.resolve(prefix + "-" + shortHash(content) + suffix);
        if (Files.exists(target) && java.util.Arrays.equals(Files.readAllBytes(target), content)) {
            return target;
        }
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, prefix, ".tmp");
        Files.write(temp, content);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private static String shortHash(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            return Integer.toHexString(new String(content, StandardCharsets.UTF_8).hashCode());
        }
    }
}
