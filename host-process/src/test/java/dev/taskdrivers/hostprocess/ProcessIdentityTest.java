package dev.taskdrivers.hostprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessIdentityTest {

    @Test
    void anIdentityWrittenToAFileIsReadBackAndGarbageIsNone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pid");
        ProcessIdentity self = ProcessIdentity.of(ProcessHandle.current().pid());
        self.writeTo(file);
        assertThat(ProcessIdentity.readFrom(file)).contains(self);
        Files.writeString(file, "12 twelve\n");
        assertThat(ProcessIdentity.readFrom(file)).isEmpty();
        assertThat(ProcessIdentity.readFrom(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void killEndsTheVeryProcessAndSparesAnotherStartTime() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            ProcessIdentity identity = ProcessIdentity.find(sleeper.pid()).orElseThrow();
            ProcessIdentity recycled = new ProcessIdentity(identity.pid(), identity.startTicks() + 1);
            assertThat(recycled.kill(true))
                    .as("another start time is another process")
                    .isFalse();
            assertThat(sleeper.isAlive()).isTrue();
            assertThat(identity.kill(false)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !sleeper.isAlive());
            sleeper.waitFor();
            assertThat(identity.isRunning()).isFalse();
            assertThat(identity.kill(true)).as("already gone").isFalse();
        } finally {
            sleeper.destroyForcibly();
        }
    }
}
