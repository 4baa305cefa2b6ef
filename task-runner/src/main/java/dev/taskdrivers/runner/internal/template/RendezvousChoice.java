package dev.taskdrivers.runner.internal.template;

import dev.taskdrivers.templates.NomadServiceRegistration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.List;

/**
 * Highest-random-weight choice of registrations: each is weighed by a hash of the reader's key and its ID, and the
 * heaviest are chosen. A reader keeps its choice while registrations it did not choose come and go.
 */
final class RendezvousChoice {
    private RendezvousChoice() {}

    /** The {@code count} registrations that weigh most for {@code key}, heaviest first. */
    static List<NomadServiceRegistration> first(List<NomadServiceRegistration> all, String key, long count) {
        return all.stream()
                .sorted(Comparator.comparingLong((NomadServiceRegistration r) -> weight(key, r.id()))
                        .reversed()
                        .thenComparing(NomadServiceRegistration::id))
                .limit(count)
                .toList();
    }

    private static long weight(String key, String id) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(key.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(id.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(sha.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
