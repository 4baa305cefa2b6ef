package dev.taskdrivers.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakOptionsTest {

    @Test
    void readsEveryOption() {
        SoakOptions o = SoakOptions.parse(new String[] {
            "--cycles",
            "50",
            "--lanes",
            "2",
            "--work",
            "/tmp/s",
            "--image",
            "127.0.0.1:5000/x:1",
            "--restart-command",
            "bash soak.sh --restart"
        });

        assertThat(o.cycles()).isEqualTo(50);
        assertThat(o.lanes()).isEqualTo(2);
        assertThat(o.work()).isEqualTo(Path.of("/tmp/s"));
        assertThat(o.restartCommand()).isEqualTo(List.of("bash", "soak.sh", "--restart"));
        assertThat(o.consul().toString()).isEqualTo("http://127.0.0.1:18500");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> SoakOptions.parse(new String[] {"--cycles", "5", "--colour", "red"}))
                .hasMessageContaining("--cycles: must be a whole number of at least 10, got \"5\"")
                .hasMessageContaining("--colour: unknown option")
                .hasMessageContaining("--work: is required")
                .hasMessageContaining("--image: is required")
                .hasMessageContaining("--restart-command: is required");
    }
}
