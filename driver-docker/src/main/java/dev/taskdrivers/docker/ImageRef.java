package dev.taskdrivers.docker;

import org.jspecify.annotations.Nullable;

/**
 * An image reference split the way the engine's pull API wants it: repository (with its registry host) and tag or
 * digest. {@code busybox} means {@code busybox:latest}.
 *
 * @param repository e.g. {@code 127.0.0.1:5000/team/app} or {@code redis}
 * @param tag the tag, or null when {@code digest} is set
 * @param digest e.g. {@code sha256:...}, or null
 */
record ImageRef(
        String repository, @Nullable String tag, @Nullable String digest) {
    static final String DEFAULT_REGISTRY = "docker.io";

    /** Parses {@code reference}; blank or malformed references throw {@link IllegalArgumentException}. */
    static ImageRef parse(@Nullable String reference) {
        String ref = reference == null ? "" : reference.strip();
        if (ref.isEmpty() || ref.contains(" ") || ref.startsWith("/") || ref.endsWith("/") || ref.endsWith(":")) {
            throw new IllegalArgumentException("not an image reference: \"" + reference + "\"");
        }
        int at = ref.indexOf('@');
        if (at >= 0) {
            return new ImageRef(ref.substring(0, at), null, ref.substring(at + 1));
        }
        int slash = ref.lastIndexOf('/');
        int colon = ref.lastIndexOf(':');
        if (colon > slash) {
            return new ImageRef(ref.substring(0, colon), ref.substring(colon + 1), null);
        }
        return new ImageRef(ref, "latest", null);
    }

    /** The registry host the image comes from, e.g. {@code 127.0.0.1:5000}; {@code docker.io} when none is named. */
    String registry() {
        int slash = repository.indexOf('/');
        if (slash < 0) {
            return DEFAULT_REGISTRY;
        }
        String first = repository.substring(0, slash);
        boolean isHost = first.contains(".") || first.contains(":") || first.equals("localhost");
        return isHost ? first : DEFAULT_REGISTRY;
    }

    /** The canonical form used as the key for reference counts and pulls. */
    String canonical() {
        return digest != null ? repository + "@" + digest : repository + ":" + tag;
    }

    @Override
    public String toString() {
        return canonical();
    }
}
