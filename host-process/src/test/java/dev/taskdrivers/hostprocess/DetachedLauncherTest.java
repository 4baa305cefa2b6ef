package dev.taskdrivers.hostprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetachedLauncherTest {

    @Test
    void theExitStatusIsRecordedAndArgumentsAreNeverParsedByAShell(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Process wrapper = DetachedLauncher.launch(
                List.of("sh", "-c", "echo \"$1 $GREETING\"; exit 42", "x", "a;b $c"),
                Map.of("GREETING", "hi"),
                status,
                dir.resolve("out"),
                dir.resolve("err"));
        wrapper.waitFor();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> DetachedLauncher.readStatus(status).isPresent());
        assertThat(DetachedLauncher.readStatus(status)).contains(42);
        assertThat(Files.readString(dir.resolve("out"))).isEqualTo("a;b $c hi\n");
        assertThat(DetachedLauncher.readStatus(dir.resolve("missing"))).isEmpty();
    }
}
