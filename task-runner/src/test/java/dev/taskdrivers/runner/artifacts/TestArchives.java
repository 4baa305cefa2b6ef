package dev.taskdrivers.runner.artifacts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/** Builds archives in memory for tests, entry by entry, including ones no honest tool would make. */
public final class TestArchives {
    private TestArchives() {}

    /** A tar being built; {@link #bytes} closes it, compressed as asked. */
    public static final class Tar {
        private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
        private final OutputStream compressed;
        private final TarArchiveOutputStream tar;

        private Tar(String compression) {
            try {
                compressed = switch (compression) {
                    case "gz" -> new GzipCompressorOutputStream(raw);
                    case "bz2" -> new BZip2CompressorOutputStream(raw);
                    case "xz" -> new XZCompressorOutputStream(raw);
                    default -> raw;
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tar = new TarArchiveOutputStream(compressed);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        public Tar file(String name, String content, int mode) {
            byte[] body = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry(name, true); // names kept as given, ../ and / included
            e.setSize(body.length);
            e.setMode(mode);
            return put(e, body);
        }

        public Tar dir(String name) {
            TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
            e.setMode(0755);
            return put(e, new byte[0]);
        }

        public Tar symlink(String name, String target) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
            e.setLinkName(target);
            return put(e, new byte[0]);
        }

        private Tar put(TarArchiveEntry e, byte[] body) {
            try {
                tar.putArchiveEntry(e);
                tar.write(body);
                tar.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        public byte[] bytes() {
            try {
                tar.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return raw.toByteArray();
        }
    }

    /** A tar compressed with {@code compression}: "gz", "bz2", "xz" or "" for none. */
    public static Tar tar(String compression) {
        return new Tar(compression);
    }

    /** A zip of {@code name -> content} pairs (executable when the name ends in .sh). */
    public static byte[] zip(String... namesAndContents) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(raw)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                ZipArchiveEntry e = new ZipArchiveEntry(namesAndContents[i]);
                e.setUnixMode(namesAndContents[i].endsWith(".sh") ? 0755 : 0644);
                zip.putArchiveEntry(e);
                zip.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
                zip.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return raw.toByteArray();
    }

    /** {@code bytes} gzip-compressed. */
    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(raw)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return raw.toByteArray();
    }

    /** {@code type:hex} of {@code bytes}, e.g. {@code sha256:...}. */
    public static String checksum(String type, byte[] bytes) {
        String jca = switch (type) {
            case "md5" -> "MD5";
            case "sha1" -> "SHA-1";
            case "sha256" -> "SHA-256";
            default -> "SHA-512";
        };
        try {
            return type + ":"
                    + HexFormat.of().formatHex(MessageDigest.getInstance(jca).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
