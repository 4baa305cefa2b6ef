package dev.taskdrivers.hostprocess.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageSizeTest {

    @Test
    void thePageSizeIsWhatGetconfSays() throws Exception {
        Process getconf = new ProcessBuilder("getconf", "PAGESIZE").start();
        long expected =
                Long.parseLong(new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip());
        assertThat(PageSize.BYTES).isEqualTo(expected);
    }

    @Test
    void anUnreadableVectorFallsBackToTheCommonSize(@TempDir Path dir) throws Exception {
        assertThat(PageSize.read(dir.resolve("missing"))).isEqualTo(4096);
        assertThat(PageSize.read(Files.write(dir.resolve("short"), new byte[7])))
                .isEqualTo(4096);
    }
}
