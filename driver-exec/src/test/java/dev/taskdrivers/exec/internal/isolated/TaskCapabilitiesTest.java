package dev.taskdrivers.exec.internal.isolated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which capabilities an exec task keeps, and how bad {@code cap_add}, {@code cap_drop}, {@code work_dir} read. */
class TaskCapabilitiesTest {
    private static final IsolatedExecOptions DEFAULTS = IsolatedExecOptions.read(Map.of());

    @Test
    void withoutOptionsATaskKeepsNomadsDefaultSetAndStartsAtTheRoot() {
        IsolatedExecTaskConfig config = read(Map.of("command", "true"), DEFAULTS);
        assertThat(config.problems()).isEmpty();
        assertThat(config.capabilities())
                .containsExactlyInAnyOrder(
                        "audit_write",
                        "chown",
                        "dac_override",
                        "fowner",
                        "fsetid",
                        "kill",
                        "mknod",
                        "net_bind_service",
                        "setfcap",
                        "setgid",
                        "setpcap",
                        "setuid",
                        "sys_chroot");
        assertThat(config.workDir()).isEqualTo("/");
    }

    @Test
    void addsAndDropsApplyToTheDefaultSetWithNamesInEitherSpelling() {
        IsolatedExecOptions options = IsolatedExecOptions.read(Map.of("allow_caps", List.of("all")));
        IsolatedExecTaskConfig config = read(
                Map.of("command", "true", "cap_add", List.of("CAP_SYS_ADMIN"), "cap_drop", List.of("Chown", "kill")),
                options);
        assertThat(config.problems()).isEmpty();
        assertThat(config.capabilities()).contains("sys_admin").doesNotContain("chown", "kill", "net_raw");
    }

    @Test
    void dropAllThenAddKeepsOnlyTheAddedOnesAndAddAllKeepsEveryAllowedOne() {
        assertThat(read(Map.of("command", "true", "cap_drop", List.of("all"), "cap_add", List.of("chown")), DEFAULTS)
                        .capabilities())
                .containsExactly("chown");
        IsolatedExecOptions everything = IsolatedExecOptions.read(Map.of("allow_caps", List.of("all")));
        assertThat(read(Map.of("command", "true", "cap_add", List.of("all"), "cap_drop", List.of("bpf")), everything)
                        .capabilities())
                .hasSize(LinuxCapabilities.NAMES.size() - 1)
                .doesNotContain("bpf");
    }

    @Test
    void anOperatorsNarrowerAllowListAlsoNarrowsTheDefaults() {
        IsolatedExecOptions options = IsolatedExecOptions.read(Map.of("allow_caps", List.of("chown", "kill")));
        assertThat(read(Map.of("command", "true"), options).capabilities()).isEqualTo(Set.of("chown", "kill"));
    }

    @Test
    void everyBadValueIsReportedAtOnceUnderItsField() {
        IsolatedExecTaskConfig config = read(
                Map.of(
                        "command",
                        "true",
                        "cap_add",
                        List.of("sys_admin", "net_raw", "warp_drive"),
                        "cap_drop",
                        List.of("nope"),
                        "work_dir",
                        "local/../x"),
                DEFAULTS);
        assertThat(config.problems())
                .extracting(ValidationProblem::field)
                .containsExactlyInAnyOrder("config.cap_add", "config.cap_add", "config.cap_drop", "config.work_dir");
        assertThat(config.problems())
                .extracting(ValidationProblem::problem)
                .anySatisfy(m -> assertThat(m)
                        .contains("not allowed by the driver's allow_caps: sys_admin, net_raw")
                        .contains("a task may add: audit_write, chown, dac_override"))
                .anySatisfy(m -> assertThat(m).contains("\"warp_drive\""))
                .anySatisfy(m -> assertThat(m).contains("\"nope\""))
                .anySatisfy(m -> assertThat(m).contains("absolute").contains("local/../x"));
    }

    @Test
    void aWorkDirWithATrailingSlashIsAcceptedAndNormalised() {
        IsolatedExecTaskConfig config = read(Map.of("command", "true", "work_dir", "/local/"), DEFAULTS);
        assertThat(config.problems()).isEmpty();
        assertThat(config.workDir()).isEqualTo("/local");
    }

    @Test
    void addingAllNeedsAnOperatorAllowingAll() {
        assertThat(read(Map.of("command", "true", "cap_add", List.of("all")), DEFAULTS)
                        .problems())
                .extracting(ValidationProblem::problem)
                .singleElement()
                .asString()
                .contains("not allowed by the driver's allow_caps: all");
    }

    @Test
    void unknownAllowedCapabilitiesAreAnOperatorProblem() {
        assertThatThrownBy(() -> IsolatedExecOptions.read(Map.of("allow_caps", List.of("chown", "telepathy", 3L))))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("allow_caps")
                .hasMessageContaining("\"telepathy\"")
                .hasMessageContaining("allow_caps[2]");
    }

    private static IsolatedExecTaskConfig read(Map<String, Object> config, IsolatedExecOptions options) {
        TaskId id = new TaskId("alloc1", "job", "group", 0, "web");
        TaskDirs dirs = TaskDirs.standard(Path.of("/tmp/allocs/alloc1"), "web");
        Resources resources = Resources.defaults();
        return IsolatedExecTaskConfig.read(
                new TaskConfig(
                        id,
                        config,
                        TaskEnvironment.builder(id)
                                .dirs(dirs)
                                .resources(resources)
                                .build(),
                        resources,
                        dirs,
                        null,
                        null,
                        null),
                options);
    }
}
