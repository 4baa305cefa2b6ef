package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's {@code allow_caps} with Nomad's default: what a task's processes hold and what it may add. */
@Tag("real")
class DockerCapabilitiesTest {
    private static final int CAP_CHOWN = 0;
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_NET_RAW = 13;
    private static DockerDriver defaults;
    private static DockerDriver allowAll;

    @TempDir
    Path root;

    @BeforeAll
    static void engine() {
        DockerTestEnv.requireEngine();
        defaults = DockerTestEnv.driver(Map.of());
        allowAll = DockerTestEnv.driver(Map.of("allow_caps", List.of("all")));
    }

    @AfterAll
    static void close() {
        if (defaults != null) {
            defaults.close();
            allowAll.close();
        }
    }

    private static BigInteger effectiveCaps(TaskHandle h) {
        String line = h.exec(ExecRequest.of(List.of("grep", "CapEff", "/proc/1/status"), Duration.ofSeconds(10)))
                .stdout()
                .strip();
        return new BigInteger(line.substring(line.indexOf(':') + 1).strip(), 16);
    }

    private static int exit(TaskHandle h, String script) {
        return h.exec(ExecRequest.of(List.of("sh", "-c", script), Duration.ofSeconds(10)))
                .exitCode();
    }

    @Test
    void byDefaultNetRawIsDroppedAndOnlyNomadsListMayBeAdded() throws Exception {
        var started =
                DockerTestEnv.run(defaults, DockerTestEnv.sleeper(root, "caps", Map.of("cap_add", List.of("CHOWN"))));
        try {
            BigInteger caps = effectiveCaps(started.handle());
            assertThat(caps.testBit(CAP_CHOWN)).isTrue();
            assertThat(caps.testBit(CAP_NET_RAW)).isFalse();
            assertThat(exit(started.handle(), "ping -c 1 -W 1 127.0.0.1"))
                    .as("ping needs NET_RAW")
                    .isNotZero();
        } finally {
            started.stopAndCleanup(defaults);
        }
        var refused = DockerTestEnv.task(
                root, "more", Map.of("image", LOCAL_IMAGE, "cap_add", List.of("net_admin", "chown", "CAP_SYS_ADMIN")));
        List<ValidationProblem> problems = defaults.validate(refused);
        assertThat(problems)
                .extracting(ValidationProblem::field)
                .containsExactly("config.cap_add[0]", "config.cap_add[2]");
        assertThat(problems.get(0).problem())
                .isEqualTo("\"net_admin\" is not allowed by the driver configuration;"
                        + " tasks may add: audit_write, chown, dac_override, fowner, fsetid, kill, mknod, net_bind_service,"
                        + " setfcap, setgid, setpcap, setuid, sys_chroot (allow_caps)");
        assertThatThrownBy(() -> defaults.prestart(refused, dev.taskdrivers.api.EventEmitter.NONE))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("allow_caps");
    }

    @Test
    void allAllowsAddingAnyCapabilityAndKeepsTheEngineDefaults() throws Exception {
        var started = DockerTestEnv.run(
                allowAll, DockerTestEnv.sleeper(root, "allcaps", Map.of("cap_add", List.of("NET_ADMIN"))));
        try {
            BigInteger caps = effectiveCaps(started.handle());
            assertThat(caps.testBit(CAP_NET_ADMIN)).isTrue();
            assertThat(caps.testBit(CAP_NET_RAW)).isTrue();
            assertThat(exit(started.handle(), "ip link set lo mtu 1400"))
                    .as("NET_ADMIN held")
                    .isZero();
        } finally {
            started.stopAndCleanup(allowAll);
        }
        assertThatThrownBy(() -> DockerDriverOptions.parse(Map.of("allow_caps", List.of("chown", "fly"))))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems())
                                .extracting(ValidationProblem::field)
                                .containsExactly("docker.allow_caps[1]"));
    }
}
