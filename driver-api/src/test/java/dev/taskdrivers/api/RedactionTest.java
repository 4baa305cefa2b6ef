package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void masksSecretsAtAnyDepth() {
        Map<String, Object> config = Map.of(
                "image",
                "busybox",
                "auth",
                Map.of("username", "bob", "password", "hunter2"),
                "list",
                List.of(Map.of("token", "abc")));

        assertThat(Redaction.redact(config).toString())
                .doesNotContain("hunter2")
                .doesNotContain("abc")
                .contains("busybox");
    }

    @Test
    void taskConfigToStringHidesSecrets() {
        TaskConfig task = new TaskConfig(
                new TaskId("a1", "j", "g", 0, "t"),
                Map.of("auth", Map.of("password", "hunter2")),
                Map.of("DB_PASSWORD", "s3cret"),
                Resources.defaults(),
                TaskDirs.standard(Path.of("/tmp/a1"), "t"),
                null,
                null,
                null);

        assertThat(task.toString())
                .doesNotContain("hunter2")
                .doesNotContain("s3cret")
                .contains(Redaction.MASK);
    }
}
