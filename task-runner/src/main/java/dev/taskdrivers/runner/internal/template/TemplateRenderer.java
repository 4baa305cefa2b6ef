package dev.taskdrivers.runner.internal.template;

import dev.taskdrivers.runner.internal.paths.AllocSandbox;
import dev.taskdrivers.runner.spec.TemplateSpec;
import dev.taskdrivers.templates.TemplateQuery;
import dev.taskdrivers.templates.TemplateQueryResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Renders one template of a task into its destination: reads the queries through the shared watches (subscribing to
 * those it reads for the first time, letting go of those it no longer reads), and writes the file atomically with its
 * permissions and owner when the text changed. The files its {@code file} calls read are polled and a change of one
 * is reported like a query's. Not thread-safe: its owner renders one template at a time.
 */
public final class TemplateRenderer {
    /** What a render did. */
    public sealed interface Outcome {
        /** A query has no value yet, or a key does not exist. */
        record Missing(Set<String> what) implements Outcome {}

        /** The text is the file's already. */
        record Unchanged() implements Outcome {}

        /** The file was written with new text. */
        record Written() implements Outcome {}

        /**
         * The template failed (a wrong argument, an unreadable source, a query its data source does not read, a file
         * that cannot be written).
         */
        record Failed(String message) implements Outcome {}
    }

    private final TemplateSpec spec;
    /** The spec's destination with its variables expanded. */
    private final String destination;

    private final Path taskDir;
    private final TemplateWatches watches;
    private final Supplier<Map<String, String>> env;
    private final Runnable onChange;
    private final Map<TemplateQuery, TemplateWatches.Subscription> subscriptions = new HashMap<>();
    private final WatchedFiles files;
    /** The files the render under way read, with their stamps when read. */
    private final Map<Path, Optional<WatchedFiles.Stamp>> filesRead = new HashMap<>();

    private @Nullable Template template;
    private @Nullable String written;
    private boolean closed;

    /**
     * @param destination the spec's destination with the task's variables expanded
     * @param taskDir the task directory (destination and source are relative to it; they may also lie in the
     *     allocation's shared directory beside it)
     * @param env the task's environment, for {@code env}
     * @param scheduler polls the files the template reads
     * @param onChange called (on the watches' executor, or the scheduler for a file) when a query or a file this
     *     template reads changes; it must not block, it holds up the other templates
     */
    public TemplateRenderer(
            TemplateSpec spec,
            String destination,
            Path taskDir,
            TemplateWatches watches,
            Supplier<Map<String, String>> env,
            ScheduledExecutorService scheduler,
            Runnable onChange) {
        this.spec = spec;
        this.destination = destination;
        this.taskDir = taskDir;
        this.watches = watches;
        this.env = env;
        this.onChange = onChange;
        this.files = new WatchedFiles(scheduler, WatchedFiles.INTERVAL, onChange);
    }

    public TemplateSpec spec() {
        return spec;
    }

    /** The text last written or found in the file; {@code null} before the first complete render. */
    public @Nullable String text() {
        return written;
    }

    /** Takes the file's current content as the last render, so a render after a runner restart only writes a change. */
    public void adoptExistingFile() {
        try {
            written = Files.readString(destination(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            written = null;
        }
    }

    public Outcome render() {
        if (closed) {
            return new Outcome.Unchanged();
        }
        Template.Rendering r;
        filesRead.clear();
        try {
            r = template().render(new Inputs(), spec.errorOnMissingKey());
        } catch (TemplateException e) {
            files.follow(filesRead); // a file that is missing now may appear
            return new Outcome.Failed(String.valueOf(e.getMessage()));
        } catch (IOException e) {
            return new Outcome.Failed("cannot read source " + spec.source() + ": " + e);
        }
        files.follow(filesRead);
        follow(r.queries());
        for (TemplateQuery q : r.queries()) {
            String unsupported = watches.unsupported(q);
            if (unsupported != null) {
                return new Outcome.Failed(unsupported);
            }
        }
        if (!r.complete()) {
            return new Outcome.Missing(r.missing());
        }
        if (r.text().equals(written)) {
            return new Outcome.Unchanged();
        }
        try {
            write(r.text());
        } catch (IOException | RuntimeException e) {
            return new Outcome.Failed("cannot write " + destination + ": " + e);
        }
        written = r.text();
        return new Outcome.Written();
    }

    /** Stops watching; a render after this does nothing. */
    public void close() {
        closed = true;
        files.close();
        subscriptions.values().forEach(TemplateWatches.Subscription::close);
        subscriptions.clear();
    }

    private Template template() throws IOException {
        if (template == null) {
            String text = spec.data();
            if (text == null) {
                text = Files.readString(inside(String.valueOf(spec.source())), StandardCharsets.UTF_8);
            }
            template = Template.parse(text, spec.leftDelimiter(), spec.rightDelimiter());
        }
        return template;
    }

    private void follow(Set<TemplateQuery> queries) {
        for (TemplateQuery q : queries) {
            subscriptions.computeIfAbsent(q, k -> watches.subscribe(k, onChange));
        }
        Set<TemplateQuery> gone = new HashSet<>(subscriptions.keySet());
        gone.removeAll(queries);
        for (TemplateQuery q : gone) {
            TemplateWatches.Subscription s = subscriptions.remove(q);
            if (s != null) {
                s.close();
            }
        }
    }

    private Path destination() throws IOException {
        return inside(destination);
    }

    /**
     * A path of the template inside the task directory or the allocation's shared one, also once symbolic links are
     * followed.
     */
    private Path inside(String written) throws IOException {
        Path relative = TemplatePaths.relative(written)
                .orElseThrow(() -> new IOException(
                        "\"" + written + "\" is not inside the task directory or the allocation's alloc directory"));
        Path path = taskDir.resolve(relative);
        Path parent = path.getParent();
        if (parent == null) {
            throw new IOException("\"" + written + "\" has no directory");
        }
        if (!AllocSandbox.fileInside(taskDir, path)) {
            throw new IOException("\"" + written + "\" leads out of the task directory and the allocation's alloc"
                    + " directory through a symbolic link");
        }
        return path;
    }

    private void write(String text) throws IOException {
        Path dest = destination();
        Path tmp = newTempFile(
                java.util.Objects.requireNonNull(dest.getParent()),
                String.valueOf(dest.getFileName()),
                text.getBytes(StandardCharsets.UTF_8));
        boolean moved = false;
        try {
            Files.setPosixFilePermissions(tmp, permissions(spec.perms()));
            if (spec.uid() != null) {
                Files.setAttribute(tmp, "unix:uid", spec.uid());
            }
            if (spec.gid() != null) {
                Files.setAttribute(tmp, "unix:gid", spec.gid());
            }
            try {
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * A new file {@code .NAME.RANDOM.tmp} in {@code dir}, readable by its owner only, holding {@code content}. Not
     * {@link Files#createTempFile}: its names come from one shared {@code SecureRandom} that every thread writing a
     * template waits for, while a name here need not be secret: the file is created only if nothing (not even a
     * link) has that name.
     */
    private static Path newTempFile(Path dir, String name, byte[] content) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path tmp = dir.resolve("." + name + "."
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            SeekableByteChannel channel;
            try {
                channel = Files.newByteChannel(tmp, TEMP_FILE_OPTIONS, OWNER_ONLY);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
                continue;
            }
            try (channel) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            return tmp;
        }
    }

    private static final Set<StandardOpenOption> TEMP_FILE_OPTIONS =
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY = PosixFilePermissions.asFileAttribute(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    static Set<PosixFilePermission> permissions(String octal) {
        int bits = Integer.parseInt(octal, 8);
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                perms.add(order[i]);
            }
        }
        return perms;
    }

    /** What the template reads: the shared watches, the task's environment, files of the task directory. */
    private final class Inputs implements TemplateInputs {
        @Override
        public @Nullable TemplateQueryResult lookup(TemplateQuery query) {
            subscriptions.computeIfAbsent(query, k -> watches.subscribe(k, onChange));
            return watches.current(query);
        }

        @Override
        public @Nullable String env(String name) {
            return env.get().get(name);
        }

        @Override
        public String file(String path) throws IOException {
            Path file = inside(path);
            filesRead.put(file, WatchedFiles.stamp(file));
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new IOException("no file " + path + " in the task directory");
            }
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    }
}
