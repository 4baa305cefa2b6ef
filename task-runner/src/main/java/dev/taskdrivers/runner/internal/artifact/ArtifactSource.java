package dev.taskdrivers.runner.internal.artifact;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an artifact comes from: an http or https URL, a local file ({@code file://} URL or absolute path) or a git
 * repository (go-getter's {@code git::} sources and the addresses it detects as git). Every other kind of source
 * Nomad's go-getter knows (hg, s3, gcs, BitBucket's detection) is refused.
 */
public sealed interface ArtifactSource permits ArtifactSource.Http, ArtifactSource.Local, GitSource {

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
            if (lower.substring(0, forced).equals("git")) {
                return GitSource.parse(source.substring(forced + 2));
            }
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
            String name = lower.substring(0, scheme);
            return unsupported(
                    "\"" + name + "://\" sources" + (name.equals("ssh") || name.equals("git") ? " without git::" : ""));
        }
        if (source.startsWith("git@")) {
            return GitSource.parse(source);
        }
        if (lower.startsWith("github.com/") || lower.startsWith("gitlab.com/")) {
            return GitSource.detectHosted(source);
        }
        if (lower.startsWith("bitbucket.org/")) {
            return problem("bitbucket.org sources (git or hg, told apart through BitBucket's API) are not supported:"
                    + " write git::https://bitbucket.org/ORG/REPO.git");
        }
        return problem("must be an http or https URL, a git repository (git::URL) or a local file (file:///PATH or"
                + " an absolute path), got \"" + display(source) + "\"");
    }

    private static Parsed found(ArtifactSource source) {
        return new Parsed(Optional.of(source), "");
    }

    private static Parsed unsupported(String what) {
        return problem(what + " are not supported: only http, https, git (git::URL) and local files");
    }

    private static Parsed problem(String message) {
        return new Parsed(Optional.empty(), message);
    }

    private static String lastSegment(String path) {
        return path.isEmpty() || path.endsWith("/") ? "" : path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * A source as it may appear in events and logs: user info dropped and the query hidden, as either may carry
     * credentials (a presigned URL's signature, a token, an ssh key); a forced getter's prefix ({@code git::}) kept.
     */
    static String display(String source) {
        int forced = source.indexOf("::");
        int scheme = source.indexOf("://");
        if (forced > 0 && (scheme < 0 || forced < scheme)) {
            return source.substring(0, forced + 2) + display(source.substring(forced + 2));
        }
        String shown = withoutQuery(source);
        int end = shown.indexOf('?') < 0 ? shown.length() : shown.indexOf('?');
        int at = shown.lastIndexOf('@', end - 1);
        if (scheme < 0) {
            // git's user@host:path holds no password; anything else with user:password@ loses it
            return at > 0 && shown.substring(0, at).contains(":") ? shown.substring(at + 1) : shown;
        }
        // everything up to the last @ goes: a password may hold an unescaped / that hides where the host begins
        return at >= scheme + 3 ? shown.substring(0, scheme + 3) + shown.substring(at + 1) : shown;
    }

    private static String withoutQuery(String text) {
        int q = text.indexOf('?');
        return q < 0 ? text : text.substring(0, q) + "?<redacted>";
    }
}
