package dev.taskdrivers.rkt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The stand-in rkt from test resources, installed as an executable in its own directory. Its pods and knobs live in
 * {@code rkt-standin-state} next to it.
 */
final class StandinRkt {
    private final Path binary;

    private StandinRkt(Path binary) {
        this.binary = binary;
    }

    static StandinRkt install(Path dir) {
        try {
            Files.createDirectories(dir);
            Path binary = dir.resolve("rkt");
            try (InputStream in = StandinRkt.class.getResourceAsStream("/rkt-standin")) {
                Files.copy(in, binary, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(dir.resolve("rkt-standin-state"));
            return new StandinRkt(binary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String path() {
        return binary.toString();
    }

    /** Sets a knob, e.g. {@code prepare-delay} to {@code 6}. */
    void knob(String name, String value) throws IOException {
        Files.writeString(state().resolve(name), value);
    }

    void clearKnob(String name) throws IOException {
        Files.deleteIfExists(state().resolve(name));
    }

    /** Every rkt invocation so far, one per line, arguments shell-quoted by the stand-in. */
    String calls() throws IOException {
        Path calls = state().resolve("calls");
        return Files.exists(calls) ? Files.readString(calls) : "";
    }

    /** Pods the stand-in still knows. */
    long pods() throws IOException {
        Path pods = state().resolve("pods");
        if (!Files.exists(pods)) {
            return 0;
        }
        try (var list = Files.list(pods)) {
            return list.count();
        }
    }

    private Path state() {
        return binary.getParent().resolve("rkt-standin-state");
    }
}
