package dev.taskdrivers.runner.internal.artifact;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A git repository cloned into a directory, as go-getter's git getter reads it: the remote git is given (with
 * credentials, if the URL has them), an optional subdirectory of the checkout ({@code repo.git//sub}) and go-getter's
 * options {@code ref}, {@code depth} and {@code sshkey}, from the URL's query or the artifact's {@code options}.
 * {@link #toString} never shows the remote's user info nor the options.
 *
 * @param remote what {@code git clone} is given: an http(s), ssh or git URL, an scp-like address or a file URL
 * @param subdir the part of the checkout to keep, relative; empty for all of it
 * @param params {@code ref}, {@code depth} and {@code sshkey}, as written
 * @param local whether the repository is on the runner's host (a file URL or an absolute path)
 */
public record GitSource(String remote, String subdir, Map<String, String> params, boolean local)
        implements ArtifactSource {
    static final String REF = "ref";
    static final String DEPTH = "depth";
    static final String SSHKEY = "sshkey";

    /** user@host:path, git's scp-like address (no scheme). */
    private static final Pattern SCP_LIKE = Pattern.compile("[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:.+");
    /** A full object name, the only form of commit a shallow fetch can ask for. */
    private static final Pattern FULL_HASH = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    public GitSource {
        params = Map.copyOf(params);
    }

    @Override
    public String fileName() {
        return "";
    }

    /** The ref to check out; empty for the remote's default branch. */
    public Optional<String> ref() {
        return Optional.ofNullable(params.get(REF));
    }

    /** How many commits of history to fetch; 0 for all of it. */
    public int depth() {
        String d = params.get(DEPTH);
        return d == null ? 0 : Integer.parseInt(d);
    }

    /** The base64 private key for ssh; never shown. */
    public Optional<String> sshKey() {
        return Optional.ofNullable(params.get(SSHKEY));
    }

    /** Whether {@link #ref} is a full commit hash, fetched by itself when shallow. */
    boolean refIsCommit() {
        return ref().filter(r -> FULL_HASH.matcher(r).matches()).isPresent();
    }

    /** This source with the artifact's {@code options} of git's (ref, depth, sshkey) set over the URL's query. */
    public GitSource withOptions(Map<String, String> options) {
        Map<String, String> merged = new TreeMap<>(params);
        options.forEach((k, v) -> {
            if (isParam(k)) {
                merged.put(k, v);
            }
        });
        return new GitSource(remote, subdir, merged, local);
    }

    /** Whether {@code key} is one of git's options. */
    public static boolean isParam(String key) {
        return key.equals(REF) || key.equals(DEPTH) || key.equals(SSHKEY);
    }

    /** What is wrong with a value of one of git's options; empty when it is fine. The value is never repeated. */
    public static Optional<String> paramProblem(String key, String value) {
        switch (key) {
            case REF -> {
                if (value.isEmpty() || value.startsWith("-") || !value.chars().allMatch(c -> c > 32 && c < 127)) {
                    return Optional.of("must be a branch, tag or commit name (no spaces, not starting with -)");
                }
            }
            case DEPTH -> {
                if (!value.matches("[1-9][0-9]{0,8}")) {
                    return Optional.of("must be a positive number of commits, got \"" + value + "\"");
                }
            }
            case SSHKEY -> {
                try {
                    if (Base64.getDecoder().decode(value.strip()).length == 0) {
                        return Optional.of("must be a base64-encoded private key, got an empty one");
                    }
                } catch (IllegalArgumentException e) {
                    return Optional.of("must be a base64-encoded private key (as base64 -w0 FILE writes it)");
                }
            }
            default -> {
                return Optional.of("not supported for git sources: the options are ref, depth and sshkey");
            }
        }
        return Optional.empty();
    }

    /**
     * Reads what follows {@code git::} (or an address detected as git): the remote, a {@code //subdirectory} and
     * the query's options.
     */
    static ArtifactSource.Parsed parse(String text) {
        int query = text.indexOf('?');
        String address = query < 0 ? text : text.substring(0, query);
        Map<String, String> params = new LinkedHashMap<>();
        if (query >= 0) {
            for (String pair : text.substring(query + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                Optional<String> problem = paramProblem(key, value);
                if (problem.isPresent()) {
                    return problem("query parameter " + key + " " + problem.get());
                }
                params.put(key, value);
            }
        }
        int schemeEnd = address.indexOf("://");
        int split = address.indexOf("//", schemeEnd < 0 ? 0 : schemeEnd + 3);
        if (address.startsWith("/") && schemeEnd < 0) {
            split = address.indexOf("//", 1);
        }
        String subdir = split < 0 ? "" : address.substring(split + 2);
        String remote = split < 0 ? address : address.substring(0, split);
        Optional<String> subdirProblem = subdirProblem(subdir);
        if (subdirProblem.isPresent()) {
            return problem(subdirProblem.get());
        }
        if (remote.startsWith("-")) {
            return problem("must not start with -");
        }
        String lower = remote.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file://")) {
            try {
                String path = new URI(remote).getPath();
                if (path == null || !path.startsWith("/")) {
                    return problem("must name an absolute path, as in git::file:///srv/repo.git");
                }
                return found(new GitSource("file://" + path, subdir, params, true));
            } catch (URISyntaxException e) {
                return problem("is not a valid URL: " + e.getReason());
            }
        }
        if (remote.startsWith("/")) {
            return found(new GitSource("file://" + Path.of(remote).normalize(), subdir, params, true));
        }
        if (lower.startsWith("http://")
                || lower.startsWith("https://")
                || lower.startsWith("ssh://")
                || lower.startsWith("git://")) {
            try {
                URI uri = new URI(remote);
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    return problem("has no host: \"" + ArtifactSource.display(remote) + "\"");
                }
            } catch (URISyntaxException e) {
                return problem("is not a valid URL: " + e.getReason());
            }
            return found(new GitSource(remote, subdir, params, false));
        }
        if (schemeEnd < 0 && SCP_LIKE.matcher(remote).matches()) {
            return found(new GitSource(remote, subdir, params, false));
        }
        return problem("git needs an http, https, ssh or git URL, an address like git@host:org/repo.git or a local"
                + " repository (file:///PATH), got \"" + ArtifactSource.display(remote) + "\"");
    }

    /**
     * The git source go-getter detects for {@code host/org/repo[/sub/dir][?query]} on GitHub or GitLab: the
     * repository over https, the rest of the path as the subdirectory.
     */
    static ArtifactSource.Parsed detectHosted(String text) {
        int query = text.indexOf('?');
        String path = query < 0 ? text : text.substring(0, query);
        String[] parts = path.split("/", 4);
        if (parts.length < 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
            return problem("must name a repository, as in " + parts[0] + "/ORG/REPO");
        }
        String repo = parts[2].endsWith(".git") ? parts[2] : parts[2] + ".git";
        String rest = parts.length == 4 ? "//" + parts[3] : "";
        return parse(
                "https://" + parts[0] + "/" + parts[1] + "/" + repo + rest + (query < 0 ? "" : text.substring(query)));
    }

    private static Optional<String> subdirProblem(String subdir) {
        if (subdir.isEmpty()) {
            return Optional.empty();
        }
        if (subdir.contains("*") || subdir.contains("?") || subdir.contains("[")) {
            return Optional.of("subdirectory \"" + subdir + "\": glob patterns are not supported, name the directory");
        }
        Path p = Path.of(subdir).normalize();
        if (subdir.startsWith("/") || p.startsWith("..")) {
            return Optional.of("subdirectory \"" + subdir + "\" must stay inside the repository");
        }
        return Optional.empty();
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static ArtifactSource.Parsed found(GitSource source) {
        return new ArtifactSource.Parsed(Optional.of(source), "");
    }

    private static ArtifactSource.Parsed problem(String message) {
        return new ArtifactSource.Parsed(Optional.empty(), message);
    }

    @Override
    public String toString() {
        return "GitSource[" + ArtifactSource.display(remote) + (subdir.isEmpty() ? "" : "//" + subdir)
                + (local ? ", local" : "") + ", options=" + new TreeMap<>(params).keySet() + "]";
    }
}
