package dev.taskdrivers.runner.internal.artifact;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.Objects;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacks an archive into an empty directory, refusing entries that would land outside it: absolute names, names
 * with {@code ..} that climb out, links whose target lies outside (or, dangling, climbs with {@code ..}), and
 * entries written through such a link. Counts entries and unpacked bytes against the operator's limits as it goes,
 * never trusting the sizes an archive declares. File modes are kept without setuid, setgid and sticky bits; device
 * files and FIFOs are skipped.
 */
final class ArchiveUnpacker {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveUnpacker.class);
    private static final int DEFAULT_FILE_MODE = 0644;

    private final long maxBytes;
    private final int maxEntries;
    private long bytes;
    private int entries;

    ArchiveUnpacker(long maxBytes, int maxEntries) {
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
    }

    /** Unpacks {@code archive} of {@code format} (one that holds files) into the empty directory {@code root}. */
    void unpack(Path archive, ArchiveFormat format, Path root) throws IOException {
        Path realRoot = root.toRealPath();
        if (format == ArchiveFormat.ZIP) {
            unzip(archive, realRoot);
        } else {
            untar(archive, format, realRoot);
        }
        LinkCheck.requireInside(realRoot, ArchiveUnpacker::unsafe);
    }

    /** Decompresses a single gzip file into {@code target}, within the size limit. */
    void gunzip(Path archive, Path target) throws IOException {
        try (InputStream in = gzip(new BufferedInputStream(Files.newInputStream(archive), 1 << 16))) {
            count(archive.getFileName().toString());
            write(in, target, DEFAULT_FILE_MODE);
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    private void untar(Path archive, ArchiveFormat format, Path root) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                InputStream in = decompressed(raw, format);
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = nextTarEntry(tar)) != null) {
                Path target = place(root, e.getName());
                if (target == null) {
                    continue;
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    symlink(root, target, e.getLinkName(), e.getName());
                } else if (e.isLink()) {
                    hardLink(root, target, e.getLinkName(), e.getName());
                } else if (e.isFile()) {
                    write(tar, target, e.getMode());
                } else {
                    LOG.debug("skipping archive entry {}: neither file, directory nor link", e.getName());
                }
            }
        }
    }

    private static TarArchiveEntry nextTarEntry(TarArchiveInputStream tar) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw invalid(e);
        }
    }

    private static InputStream decompressed(InputStream raw, ArchiveFormat format) throws IOException {
        try {
            return switch (format) {
                case TAR -> raw;
                case TAR_GZ -> gzip(raw);
                case TAR_BZ2 -> new BZip2CompressorInputStream(raw, true);
                case TAR_XZ ->
                    XZCompressorInputStream.builder()
                            .setInputStream(raw)
                            .setDecompressConcatenated(true)
                            .get();
                default -> throw new IllegalArgumentException(format + " is not a tar format");
            };
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    private static InputStream gzip(InputStream raw) throws IOException {
        return GzipCompressorInputStream.builder()
                .setInputStream(raw)
                .setDecompressConcatenated(true)
                .get();
    }

    private void unzip(Path archive, Path root) throws IOException {
        ZipFile zip;
        try {
            zip = ZipFile.builder().setPath(archive).get();
        } catch (IOException e) {
            throw invalid(e);
        }
        try (zip) {
            Enumeration<ZipArchiveEntry> all = zip.getEntriesInPhysicalOrder();
            while (all.hasMoreElements()) {
                ZipArchiveEntry e = all.nextElement();
                Path target = place(root, e.getName());
                if (target == null) {
                    continue;
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isUnixSymlink()) {
                    symlink(root, target, zip.getUnixSymlink(e), e.getName());
                } else {
                    try (InputStream in = zip.getInputStream(e)) {
                        int mode = e.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? e.getUnixMode() : 0;
                        write(in, target, mode == 0 ? DEFAULT_FILE_MODE : mode);
                    }
                }
            }
        }
    }

    /**
     * Where an entry goes under {@code root}, its parent created; {@code null} for the root itself.
     *
     * @throws ArtifactFetchException for a name that leaves the root or a parent reached through a link outside it
     */
    private @Nullable Path place(Path root, String name) throws IOException {
        count(name);
        String trimmed = name;
        while (trimmed.startsWith("./")) {
            trimmed = trimmed.substring(2);
        }
        if (trimmed.isEmpty() || trimmed.equals(".")) {
            return null;
        }
        if (trimmed.startsWith("/")) {
            throw unsafe(name, "has an absolute path");
        }
        Path relative;
        try {
            relative = Path.of(trimmed).normalize();
        } catch (InvalidPathException e) {
            throw unsafe(name, "is not a valid path");
        }
        if (relative.isAbsolute() || relative.startsWith("..")) {
            throw unsafe(name, "leaves the destination");
        }
        Path target = root.resolve(relative);
        Path parent = Objects.requireNonNull(target.getParent(), "a child of the root has a parent");
        Files.createDirectories(parent);
        if (!parent.toRealPath().startsWith(root)) {
            throw unsafe(name, "is written through a link that leads outside the destination");
        }
        if (Files.isSymbolicLink(target) || Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(target); // a later entry of the same name wins, and never writes through a link
        }
        return target;
    }

    private void count(String name) {
        entries++;
        if (entries > maxEntries) {
            throw ArtifactFetchException.permanent("the archive holds more than " + maxEntries
                    + " entries (decompression_file_count_limit); stopped at " + name);
        }
    }

    private void write(InputStream in, Path target, int mode) throws IOException {
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(
                target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            int n;
            while ((n = readEntry(in, buffer)) >= 0) {
                bytes += n;
                if (bytes > maxBytes) {
                    throw ArtifactFetchException.permanent(
                            "the archive unpacks to more than " + maxBytes + " bytes (decompression_size_limit)");
                }
                out.write(buffer, 0, n);
            }
        }
        Files.setPosixFilePermissions(target, permissions(mode));
    }

    private static int readEntry(InputStream in, byte[] buffer) throws IOException {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    private static void symlink(Path root, Path link, String target, String name) throws IOException {
        if (target.isEmpty() || target.startsWith("/")) {
            throw unsafe(name, "is a link to an absolute path (" + target + ")");
        }
        Path parent = Objects.requireNonNull(link.getParent(), "a child of the root has a parent");
        Path resolved = parent.toRealPath().resolve(target).normalize();
        if (!resolved.startsWith(root)) {
            throw unsafe(name, "is a link pointing outside the destination (" + target + ")");
        }
        Files.createSymbolicLink(link, Path.of(target));
    }

    private static void hardLink(Path root, Path link, String target, String name) throws IOException {
        Path relative = Path.of(target).normalize();
        if (relative.isAbsolute() || relative.startsWith("..")) {
            throw unsafe(name, "is a hard link to a file outside the destination (" + target + ")");
        }
        Path existing = root.resolve(relative);
        if (!Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)
                || !existing.toRealPath().startsWith(root)) {
            throw unsafe(name, "is a hard link to no file unpacked before it (" + target + ")");
        }
        Files.createLink(link, existing);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        int bits = (mode & 0777) | 0600; // the runner must be able to move and later remove what it unpacked
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                p.add(order[i]);
            }
        }
        return p;
    }

    private static ArtifactFetchException unsafe(String name, String why) {
        return ArtifactFetchException.permanent("archive entry \"" + name + "\" " + why + ": refused");
    }

    private static ArtifactFetchException invalid(Exception e) {
        return ArtifactFetchException.recoverable("not a valid archive: " + e.getMessage());
    }
}
