package dev.taskdrivers.runner.internal.artifact;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an artifact comes from: an http or https URL, or a local file ({@code file://} URL or absolute path). Every
 * other kind of source Nomad's go-getter knows (git, hg, s3, gcs, forced getters like {@code git::}) is refused.
 *
 * @param kind http(s) or local
 * @param uri the URL, for http(s)
 * @param path the file, for a local source
 */
public record ArtifactSource(Kind kind, URI uri, Path path) {

    /** The kinds of source fetched. */
    public enum Kind {
        HTTP,
        LOCAL
    }

    /** A source, or what is wrong with it. */
    public record Parsed(Optional<ArtifactSource> source, String problem) {}

    /** Reads a source as written in the spec (after interpolation). */
    public static Parsed parse(String source) {
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
                return new Parsed(Optional.of(new ArtifactSource(Kind.HTTP, uri, null)), "");
            } catch (URISyntaxException e) {
                return problem("is not a valid URL: " + e.getReason());
            }
        }
        if (lower.startsWith("file://")) {
            try {
                URI uri = new URI(source);
                if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
                    return problem("must name an absolute path, as in file:///srv/app.tar.gz");
                }
                return new Parsed(Optional.of(new ArtifactSource(Kind.LOCAL, null, Path.of(uri.getPath()))), "");
            } catch (URISyntaxException e) {
                return problem("is not a valid URL: " + e.getReason());
            }
        }
        if (source.startsWith("/")) {
            return new Parsed(Optional.of(new ArtifactSource(Kind.LOCAL, null, Path.of(source))), "");
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

    private static Parsed unsupported(String what) {
        return problem(what + " are not supported: only http, https and local files");
    }

    private static Parsed problem(String message) {
        return new Parsed(Optional.empty(), message);
    }

    /** The file name the source's path ends with; empty when it ends with a slash or has no path. */
    public String fileName() {
        String p = kind == Kind.HTTP ? uri.getPath() : path.toString();
        if (p == null || p.isEmpty() || p.endsWith("/")) {
            return "";
        }
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /**
     * A source as it may appear in events and logs: user info dropped and the query hidden, as either may carry
     * credentials (a presigned URL's signature, a token).
     */
    public static String display(String source) {
        try {
            URI uri = new URI(source);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return source.contains("?") ? source.substring(0, source.indexOf('?')) + "?<redacted>" : source;
            }
            String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            return uri.getScheme() + "://" + uri.getHost() + port + path
                    + (uri.getRawQuery() == null ? "" : "?<redacted>");
        } catch (URISyntaxException e) {
            int at = source.indexOf('@');
            String rest = at >= 0 ? source.substring(at + 1) : source;
            return rest.contains("?") ? rest.substring(0, rest.indexOf('?')) + "?<redacted>" : rest;
        }
    }
}
