package dev.taskdrivers.runner.internal.artifact;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an artifact comes from: an http or https URL, or a local file ({@code file://} URL or absolute path). Every
 * other kind of source Nomad's go-getter knows (git, hg, s3, gcs, forced getters like {@code git::}) is refused.
 */
public sealed interface ArtifactSource {

    /** An http or https URL. */
    record Http(URI uri) implements ArtifactSource {
        @Override
        public String fileName() {
            return lastSegment(uri.getPath() == null ? "" : uri.getPath());
        }
    }

    /** A file on the runner's host. */
    record Local(Path path) implements ArtifactSource {
        @Override
        public String fileName() {
            return lastSegment(path.toString());
        }
    }

    /** The file name the source's path ends with; empty when it ends with a slash or has no path. */
    String fileName();

    /** A source, or what is wrong with it. */
    record Parsed(Optional<ArtifactSource> source, String problem) {}

    /** Reads a source as written in the spec (after interpolation). */
    static Parsed parse(String source) {
        String lower = source.toLowerCase(Locale.ROOT);
        int forced = lower.indexOf("::");
        int scheme = lower.indexOf("://");
        if (forced > 0 && (scheme < 0 || forced < scheme)) {
            return unsupported("\"" + lower.substring(0, forced) + "::\" sources");
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            try {
                URI uri = new URI(source);
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    return problem("has no host: \"" + display(source) + "\"");
                }
                return found(new Http(uri));
            } catch (URISyntaxException e) {
                return problem("is not a valid URL: " + e.getReason());
            }
        }
        if (lower.startsWith("file://")) {
            try {
                String path = new URI(source).getPath();
                if (path == null || !path.startsWith("/")) {
                    return problem("must name an absolute path, as in file:///srv/app.tar.gz");
                }
                return found(new Local(Path.of(path)));
            } catch (URISyntaxException e) {
                return problem("is not a valid URL: " + e.getReason());
            }
        }
        if (source.startsWith("/")) {
            return found(new Local(Path.of(source)));
        }
        if (scheme > 0) {
            return unsupported("\"" + lower.substring(0, scheme) + "://\" sources");
        }
        if (lower.startsWith("git@") || lower.startsWith("github.com/") || lower.startsWith("bitbucket.org/")) {
            return unsupported("git sources");
        }
        return problem("must be an http or https URL, or a local file (file:///PATH or an absolute path), got \""
                + display(source) + "\"");
    }

    private static Parsed found(ArtifactSource source) {
        return new Parsed(Optional.of(source), "");
    }

    private static Parsed unsupported(String what) {
        return problem(what + " are not supported: only http, https and local files");
    }

    private static Parsed problem(String message) {
        return new Parsed(Optional.empty(), message);
    }

    private static String lastSegment(String path) {
        return path.isEmpty() || path.endsWith("/") ? "" : path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * A source as it may appear in events and logs: user info dropped and the query hidden, as either may carry
     * credentials (a presigned URL's signature, a token).
     */
    static String display(String source) {
        try {
            URI uri = new URI(source);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return withoutQuery(source);
            }
            String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            return uri.getScheme() + "://" + uri.getHost() + port + path
                    + (uri.getRawQuery() == null ? "" : "?<redacted>");
        } catch (URISyntaxException e) {
            int at = source.indexOf('@');
            return withoutQuery(at >= 0 ? source.substring(at + 1) : source);
        }
    }

    private static String withoutQuery(String text) {
        int q = text.indexOf('?');
        return q < 0 ? text : text.substring(0, q) + "?<redacted>";
    }
}
