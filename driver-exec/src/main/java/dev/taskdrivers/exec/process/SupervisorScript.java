package dev.taskdrivers.exec.process;

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
 * The supervisor shell script shipped in this jar, installed as a file so {@code /bin/sh} can run it.
 *
 * <p>The file name carries a hash of the content and an installed file is never rewritten: a shell reads its script
 * while it runs, so supervisors started by an older version keep reading the script they started with.
 */
public final class SupervisorScript {
    private static final String RESOURCE = "supervisor.sh";

    private SupervisorScript() {
    }

    /** Installs the script into {@code dir} (if not there yet) and returns its path. */
    public static Path install(Path dir) throws IOException {
        byte[] content;
        try (InputStream in = SupervisorScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE + " missing from the driver-exec jar");
            }
            content = in.readAllBytes();
        }
        Path target = dir.resolve("supervisor-" + shortHash(content) + ".sh");
        if (Files.exists(target) && java.util.Arrays.equals(Files.readAllBytes(target), content)) {
            return target;
        }
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "supervisor", ".tmp");
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
