package dev.taskdrivers.runner.internal.artifact;

import dev.taskdrivers.runner.ArtifactOptions;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches one artifact into a task directory, for every task of a runner: downloads (or copies a local file) into
 * a temp file inside the task directory, checks the checksum, then unpacks into a temp directory beside it or
 * decompresses, and only then moves the result into the destination; a git source is cloned ({@code GitFetch}). A failure at any step leaves no partial file
 * behind. Transient failures are tried again, up to the operator's number of tries, waiting longer each time.
 */
public final class ArtifactFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactFetcher.class);

    private final ArtifactOptions options;
    private final ScheduledExecutorService timer;
    private final String gitExecutable;
    /** Made on the first http download: a runner whose tasks have none never pays for it. */
    private volatile @Nullable HttpFetch http;

    public ArtifactFetcher(ArtifactOptions options, ScheduledExecutorService timer) {
        this(options, timer, "git");
    }

    /** @param gitExecutable the git to run for git sources: a name looked up on PATH or a path */
    ArtifactFetcher(ArtifactOptions options, ScheduledExecutorService timer, String gitExecutable) {
        this.options = options;
        this.timer = timer;
        this.gitExecutable = gitExecutable;
    }

    /**
     * Fetches {@code artifact} (already interpolated) into {@code taskDir}.
     *
     * @param cancelled asked while downloading: the task is being stopped
     * @throws ArtifactFetchException saying why it could not
     */
    public void fetch(ArtifactSpec artifact, Path taskDir, BooleanSupplier cancelled) {
        ArtifactSource.Parsed parsed = ArtifactSource.parse(artifact.source());
        ArtifactSource source =
                parsed.source().orElseThrow(() -> ArtifactFetchException.permanent("source " + parsed.problem()));
        if ((source instanceof ArtifactSource.Local || source instanceof GitSource g && g.local())
                && !options.localFiles()) {
            throw ArtifactFetchException.permanent(
                    "local files are not allowed as artifact sources by this runner's operator");
        }
        Path destination = ArtifactDestination.resolve(taskDir, artifact.destination());
        if (source instanceof GitSource git) {
            fetchGit(git.withOptions(artifact.options()), artifact, taskDir, destination, cancelled);
            return;
        }
        refuseGitOptions(artifact);
        Optional<Checksum> checksum = artifact.checksum()
                .map(text -> Checksum.parse(text)
                        .checksum()
                        .orElseThrow(() -> ArtifactFetchException.permanent(
                                "options.checksum " + Checksum.parse(text).problem())));
        Optional<ArchiveFormat> format = format(artifact, source);
        Path download = createTemp(taskDir, ".part");
        try {
            byte[] digest = downloadWithRetries(source, artifact, download, checksum, cancelled);
            if (checksum.isPresent() && digest != null && !checksum.get().matches(digest)) {
                throw ArtifactFetchException.recoverable(
                        "checksum mismatch: expected " + checksum.get().type()
                                + ":" + checksum.get().expectedHex() + ", got "
                                + HexFormat.of().formatHex(digest));
            }
            install(artifact, source, format, download, destination, taskDir);
        } catch (IOException e) {
            throw ArtifactFetchException.recoverable("cannot write into the task directory: " + e);
        } finally {
            deleteQuietly(download);
        }
    }

    /** Clones a repository into the destination directory, trying again after transient failures. */
    private void fetchGit(
            GitSource source, ArtifactSpec artifact, Path taskDir, Path destination, BooleanSupplier cancelled) {
        if (artifact.mode() == ArtifactSpec.Mode.FILE) {
            throw ArtifactFetchException.permanent(
                    "mode file takes one file, and a git source is a directory: use mode dir or any");
        }
        for (String key : new TreeSet<>(artifact.options().keySet())) {
            if (!GitSource.isParam(key)) {
                throw ArtifactFetchException.permanent(
                        "options." + key + " not supported for git sources: the options are ref, depth and sshkey");
            }
        }
        if (!artifact.headers().isEmpty()) {
            throw ArtifactFetchException.permanent(
                    "git sends no headers: put credentials in the URL's user info or use sshkey");
        }
        for (Map.Entry<String, String> option : new TreeMap<>(source.params()).entrySet()) {
            GitSource.paramProblem(option.getKey(), option.getValue()).ifPresent(problem -> {
                throw ArtifactFetchException.permanent("options." + option.getKey() + " " + problem);
            });
        }
        try {
            ArtifactDestination.createInside(taskDir, destination);
        } catch (IOException e) {
            throw ArtifactFetchException.recoverable("cannot write into the task directory: " + e);
        }
        GitFetch git = new GitFetch(
                gitExecutable,
                options.httpReadTimeout(),
                options.decompressionSizeLimit(),
                options.decompressionFileCountLimit());
        withRetries(artifact, cancelled, () -> {
            try {
                git.fetch(source, taskDir, destination, cancelled);
            } catch (IOException e) {
                throw ArtifactFetchException.recoverable("cannot write into the task directory: " + e);
            }
            return Boolean.TRUE;
        });
    }

    /** go-getter's git options on a source that is no git repository. */
    private static void refuseGitOptions(ArtifactSpec artifact) {
        for (String key : new TreeSet<>(artifact.options().keySet())) {
            if (GitSource.isParam(key)) {
                throw ArtifactFetchException.permanent("options." + key + " applies to git sources only");
            }
        }
    }

    private static Optional<ArchiveFormat> format(ArtifactSpec artifact, ArtifactSource source) {
        Optional<String> option = artifact.archive();
        if (option.isPresent()) {
            return option.get().equals("false") ? Optional.empty() : ArchiveFormat.named(option.get());
        }
        return ArchiveFormat.ofFileName(source.fileName());
    }

    private byte @Nullable [] downloadWithRetries(
            ArtifactSource source,
            ArtifactSpec artifact,
            Path file,
            Optional<Checksum> checksum,
            BooleanSupplier cancelled) {
        return withRetries(artifact, cancelled, () -> {
            MessageDigest digest = checksum.map(Checksum::newDigest).orElse(null);
            if (source instanceof ArtifactSource.Http h) {
                return http().get(h.uri(), artifact.headers(), file, digest, cancelled);
            }
            return copyLocal(((ArtifactSource.Local) source).path(), file, digest, cancelled);
        });
    }

    /** Runs {@code attempt} until it succeeds, fails for good or the tries are used up, waiting longer each time. */
    private <T> T withRetries(ArtifactSpec artifact, BooleanSupplier cancelled, Supplier<T> attempt) {
        Duration delay = options.retryDelay();
        for (int tries = 1; ; tries++) {
            try {
                return attempt.get();
            } catch (ArtifactFetchException e) {
                if (!e.isTransient() || tries >= options.attempts() || cancelled.getAsBoolean()) {
                    throw e;
                }
                LOG.info(
                        "artifact {}: try {} of {} failed ({}); trying again in {} ms",
                        ArtifactSource.display(artifact.source()),
                        tries,
                        options.attempts(),
                        e.getMessage(),
                        delay.toMillis());
                sleep(delay);
                delay = delay.multipliedBy(2);
            }
        }
    }

    private byte @Nullable [] copyLocal(
            Path path, Path file, @Nullable MessageDigest digest, BooleanSupplier cancelled) {
        if (!Files.isRegularFile(path)) {
            throw ArtifactFetchException.recoverable(
                    path + (Files.isDirectory(path) ? " is a directory: only files are fetched" : " does not exist"));
        }
        try (InputStream in = Files.newInputStream(path)) {
            return Download.copy(in, file, options.httpMaxSize(), digest, path.toString(), cancelled);
        } catch (IOException e) {
            throw ArtifactFetchException.recoverable("cannot read " + path + ": " + e.getMessage());
        }
    }

    /** Puts the checked download where the mode says, unpacked or decompressed as its format says. */
    private void install(
            ArtifactSpec artifact,
            ArtifactSource source,
            Optional<ArchiveFormat> format,
            Path download,
            Path destination,
            Path taskDir)
            throws IOException {
        ArchiveUnpacker unpacker =
                new ArchiveUnpacker(options.decompressionSizeLimit(), options.decompressionFileCountLimit());
        if (artifact.mode() == ArtifactSpec.Mode.FILE) {
            Path parent = Objects.requireNonNull(destination.getParent(), "a file in the task dir has a parent");
            ArtifactDestination.createInside(taskDir, parent);
            if (format.isPresent() && format.get() == ArchiveFormat.GZ) {
                placeDecompressed(unpacker, download, destination, taskDir);
            } else {
                place(download, destination);
            }
            return;
        }
        ArtifactDestination.createInside(taskDir, destination);
        if (format.isEmpty()) {
            if (artifact.mode() == ArtifactSpec.Mode.DIR) {
                throw ArtifactFetchException.permanent("mode dir needs an archive, and \"" + source.fileName()
                        + "\" is none (set options.archive, or use mode any or file)");
            }
            place(download, destination.resolve(fileName(source)));
        } else if (format.get() == ArchiveFormat.GZ) {
            placeDecompressed(
                    unpacker, download, destination.resolve(ArchiveFormat.GZ.strip(fileName(source))), taskDir);
        } else {
            Path staging = Files.createTempDirectory(taskDir, ".artifact-");
            try {
                unpacker.unpack(download, format.get(), staging);
                StagedTree.moveInto(staging, destination);
            } finally {
                deleteTree(staging);
            }
        }
    }

    private static String fileName(ArtifactSource source) {
        String name = source.fileName();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw ArtifactFetchException.permanent(
                    "the source's path names no file to save it as; give mode = file and the file's destination");
        }
        return name;
    }

    private static void placeDecompressed(ArchiveUnpacker unpacker, Path download, Path target, Path taskDir)
            throws IOException {
        Path plain = createTemp(taskDir, ".unpacked");
        try {
            Files.delete(plain); // written anew by the decompression
            unpacker.gunzip(download, plain);
            place(plain, target);
        } finally {
            deleteQuietly(plain);
        }
    }

    /** Moves a finished file into place in one rename, readable as a file written by the task would be. */
    private static void place(Path file, Path target) throws IOException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw ArtifactFetchException.permanent(
                    "cannot put the file at " + target.getFileName() + ": a directory of that name exists");
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private HttpFetch http() {
        HttpFetch h = http;
        if (h == null) {
            synchronized (this) {
                h = http;
                if (h == null) {
                    HttpClient client = HttpFetch.newClient();
                    h = new HttpFetch(
                            client, timer, options.httpReadTimeout(), options.httpMaxSize(), options.maxRedirects());
                    http = h;
                }
            }
        }
        return h;
    }

    private static Path createTemp(Path taskDir, String suffix) {
        try {
            return Files.createTempFile(taskDir, ".artifact-", suffix);
        } catch (IOException e) {
            throw ArtifactFetchException.recoverable("cannot write into the task directory: " + e);
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ArtifactFetchException.recoverable("interrupted while waiting to try again");
        }
    }

    private static void deleteQuietly(Path file) {
        Trees.deleteQuietly(file);
    }

    private static void deleteTree(Path root) {
        Trees.delete(root);
    }
}
