package dev.taskdrivers.runner.internal.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.runner.artifacts.TestArchives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking real archive bytes: every format, and every way an entry could get out of the destination. */
class ArchiveUnpackerTest {
    @TempDir
    Path dir;

    Path outside;
    Path root;

    @BeforeEach
    void setUp() throws IOException {
        outside = Files.createDirectories(dir.resolve("outside"));
        root = Files.createDirectories(dir.resolve("task/staging"));
    }

    private void unpack(byte[] archive, ArchiveFormat format) throws IOException {
        unpack(archive, format, 1_000_000, 100);
    }

    private void unpack(byte[] archive, ArchiveFormat format, long maxBytes, int maxEntries) throws IOException {
        Path file = Files.write(dir.resolve("archive"), archive);
        new ArchiveUnpacker(maxBytes, maxEntries).unpack(file, format, root);
    }

    private boolean outsideIsEmpty() throws IOException {
        try (Stream<Path> s = Files.list(outside)) {
            return s.findAny().isEmpty();
        }
    }

    @Test
    void everyTarCompressionUnpacksTheSameTree() throws IOException {
        for (String compression : new String[] {"", "gz", "bz2", "xz"}) {
            Path target = Files.createDirectories(dir.resolve("t-" + compression));
            Path file = Files.write(
                    dir.resolve("a-" + compression),
                    TestArchives.tar(compression)
                            .file("./bin/tool", "#!/bin/sh\n", 04755)
                            .file("etc/conf", "x=1", 0640)
                            .bytes());
            ArchiveFormat format = switch (compression) {
                case "gz" -> ArchiveFormat.TAR_GZ;
                case "bz2" -> ArchiveFormat.TAR_BZ2;
                case "xz" -> ArchiveFormat.TAR_XZ;
                default -> ArchiveFormat.TAR;
            };
            new ArchiveUnpacker(1_000_000, 100).unpack(file, format, target);

            assertThat(target.resolve("etc/conf")).as(compression).hasContent("x=1");
            assertThat(Files.getPosixFilePermissions(target.resolve("bin/tool")))
                    .as("modes kept, setuid dropped")
                    .hasSize(7);
            assertThat(Files.getAttribute(target.resolve("bin/tool"), "unix:mode"))
                    .isEqualTo(0100755);
        }
    }

    @Test
    void absoluteNamesAreRefused() {
        byte[] archive =
                TestArchives.tar("").file("/etc/cron.d/evil", "x", 0644).bytes();

        assertThatThrownBy(() -> unpack(archive, ArchiveFormat.TAR))
                .isInstanceOf(ArtifactFetchException.class)
                .hasMessage("archive entry \"/etc/cron.d/evil\" has an absolute path: refused");
    }

    @Test
    void zipSlipIsRefused() throws IOException {
        byte[] archive = TestArchives.zip("a.txt", "ok", "sub/../../../outside/evil.txt", "x");

        assertThatThrownBy(() -> unpack(archive, ArchiveFormat.ZIP))
                .isInstanceOf(ArtifactFetchException.class)
                .hasMessage("archive entry \"sub/../../../outside/evil.txt\" leaves the destination: refused");
        assertThat(outsideIsEmpty()).isTrue();
    }

    @Test
    void aLinkPointingOutIsRefused() throws IOException {
        byte[] absolute = TestArchives.tar("").symlink("etc", "/etc").bytes();
        byte[] relative = TestArchives.tar("").symlink("up", "../../outside").bytes();

        assertThatThrownBy(() -> unpack(absolute, ArchiveFormat.TAR))
                .hasMessage("archive entry \"etc\" is a link to an absolute path (/etc): refused");
        assertThatThrownBy(() -> unpack(relative, ArchiveFormat.TAR))
                .hasMessage("archive entry \"up\" is a link pointing outside the destination (../../outside):"
                        + " refused");
    }

    @Test
    void aLinkThatOnlyLeadsOutThroughAnotherLinkIsRefused() throws IOException {
        // "here" is the root itself; "here/up" -> ../outside looks inside from its name but resolves from the root
        byte[] archive = TestArchives.tar("")
                .symlink("here", ".")
                .symlink("here/up", "../../outside")
                .bytes();

        assertThatThrownBy(() -> unpack(archive, ArchiveFormat.TAR))
                .isInstanceOf(ArtifactFetchException.class)
                .hasMessageContaining("refused");
        assertThat(outsideIsEmpty()).isTrue();
    }

    @Test
    void anEntryWrittenThroughALinkIsRefused() throws IOException {
        Path evil = Files.createDirectories(root.resolve("sneaky"));
        Files.delete(evil);
        Files.createSymbolicLink(evil, outside); // as if an earlier entry had made it
        byte[] archive = TestArchives.tar("").file("sneaky/x.txt", "x", 0644).bytes();

        assertThatThrownBy(() -> unpack(archive, ArchiveFormat.TAR))
                .hasMessage("archive entry \"sneaky/x.txt\" is written through a link that leads outside the"
                        + " destination: refused");
        assertThat(outsideIsEmpty()).isTrue();
    }

    @Test
    void theEntryAndByteLimitsHoldWhateverTheArchiveDeclares() {
        byte[] many = TestArchives.tar("gz")
                .file("a", "1", 0644)
                .file("b", "2", 0644)
                .file("c", "3", 0644)
                .bytes();
        byte[] big =
                TestArchives.tar("gz").file("big", "x".repeat(10_000), 0644).bytes();

        assertThatThrownBy(() -> unpack(many, ArchiveFormat.TAR_GZ, 1_000_000, 2))
                .hasMessage("the archive holds more than 2 entries (decompression_file_count_limit); stopped at c");
        assertThatThrownBy(() -> unpack(big, ArchiveFormat.TAR_GZ, 4096, 100))
                .hasMessage("the archive unpacks to more than 4096 bytes (decompression_size_limit)");
    }

    @Test
    void aBrokenArchiveIsReportedAsOne() {
        assertThatThrownBy(() -> unpack("not gzip at all".getBytes(), ArchiveFormat.TAR_GZ))
                .isInstanceOf(ArtifactFetchException.class)
                .hasMessageStartingWith("not a valid archive:");
    }
}
