package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerTaskSettingsTest {
    private static final DockerDriverOptions DEFAULTS = DockerDriverOptions.parse(Map.of());
    private static final DockerDriverOptions PERMISSIVE = DockerDriverOptions.parse(
            Map.of("allow_privileged", true, "volumes_enabled", true, "allow_caps", List.of("all")));

    private static List<String> fields(Map<String, Object> config, DockerDriverOptions options) {
        return DockerTaskSettings.read(config, options).problems().stream()
                .map(ValidationProblem::field)
                .toList();
    }

    @Test
    void readsEveryOption() {
        Map<String, Object> config = Map.ofEntries(
                Map.entry("image", "127.0.0.1:5000/app:2"),
                Map.entry("entrypoint", List.of("/bin/tini", "--")),
                Map.entry("command", "/bin/app"),
                Map.entry("args", List.of("-v")),
                Map.entry("port_map", Map.of("http", 8080)),
                Map.entry("network_mode", "mynet"),
                Map.entry("network_aliases", List.of("web")),
                Map.entry("labels", Map.of("team", "a")),
                Map.entry("volumes", List.of("/data:/data:ro", "local/x:/x")),
                Map.entry("mounts", List.of(Map.of("type", "tmpfs", "target", "/scratch"))),
                Map.entry("auth", Map.of("username", "u", "password", "p")),
                Map.entry("force_pull", true),
                Map.entry("dns_servers", List.of("1.1.1.1")),
                Map.entry("dns_search_domains", List.of("svc")),
                Map.entry("extra_hosts", List.of("db:10.0.0.2")),
                Map.entry("hostname", "h"),
                Map.entry("work_dir", "/srv"),
                Map.entry("privileged", true),
                Map.entry("cap_add", List.of("NET_ADMIN")),
                Map.entry("cap_drop", List.of("cap_chown")),
                Map.entry("security_opt", List.of("no-new-privileges")),
                Map.entry("shm_size", 1048576),
                Map.entry("logging", Map.of("type", "json-file", "config", Map.of("max-size", "1m"))),
                Map.entry("tty", true),
                Map.entry("interactive", true),
                Map.entry("image_pull_timeout", "10m"));
        DockerTaskSettings.Read read = DockerTaskSettings.read(config, PERMISSIVE);
        assertThat(read.problems()).isEmpty();
        DockerTaskSettings s = read.settings();
        assertThat(s.auth().serverAddress()).isEqualTo("127.0.0.1:5000");
        assertThat(s.imagePullTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.mounts())
                .singleElement()
                .satisfies(m -> assertThat(m.type()).isEqualTo("tmpfs"));
        assertThat(s.shmSize()).isEqualTo(1048576);
        assertThat(s.entrypoint()).containsExactly("/bin/tini", "--");
        assertThat(s.command()).isEqualTo("/bin/app");
    }

    @Test
    void acceptsTheListOfObjectsShapesNomadsHclProduces() {
        DockerTaskSettings.Read read = DockerTaskSettings.read(
                Map.of(
                        "image",
                        "busybox",
                        "labels",
                        List.of(Map.of("team", "a"), Map.of("tier", "web")),
                        "port_map",
                        List.of(Map.of("http", 8080)),
                        "logging",
                        List.of(Map.of("type", "json-file", "config", List.of(Map.of("max-size", "1m"))))),
                DEFAULTS);
        assertThat(read.problems()).isEmpty();
        assertThat(read.settings().labels()).containsEntry("team", "a").containsEntry("tier", "web");
        assertThat(read.settings().portMap()).containsEntry("http", 8080);
        assertThat(read.settings().logging().config()).containsEntry("max-size", "1m");
        assertThat(fields(
                        Map.of("image", "busybox", "labels", List.of("a"), "entrypoint", "/bin/sh", "command", " "),
                        DEFAULTS))
                .containsExactlyInAnyOrder("config.labels", "config.entrypoint", "config.command");
    }

    @Test
    void reportsEveryProblemAtOnceByField() {
        Map<String, Object> config = Map.of(
                "imag",
                "x",
                "args",
                "not-a-list",
                "port_map",
                Map.of("http", 70000),
                "tty",
                "yes",
                "cap_add",
                List.of("FLY"),
                "extra_hosts",
                List.of("nocolon"),
                "logging",
                Map.of("type", "carrier-pigeon"),
                "auth",
                Map.of("username", "u"),
                "labels",
                Map.of("dev.taskdrivers.managed", "false"),
                "work_dir",
                "relative");
        assertThat(fields(config, DEFAULTS))
                .containsExactlyInAnyOrder(
                        "config.image",
                        "config.imag",
                        "config.args",
                        "config.port_map.http",
                        "config.tty",
                        "config.cap_add[0]",
                        "config.extra_hosts[0]",
                        "config.logging.type",
                        "config.auth.password",
                        "config.labels.dev.taskdrivers.managed",
                        "config.work_dir");
    }

    @Test
    void badLimitsAreNamedEachWithItsField() {
        Map<String, Object> config = Map.ofEntries(
                Map.entry("image", "busybox"),
                Map.entry("memory_hard_limit", 32),
                Map.entry("cpu_cfs_period", 500),
                Map.entry("cpuset_cpus", "0-"),
                Map.entry("pids_limit", -1),
                Map.entry("ulimit", Map.of("nofile", "2048:1024", "nproc", "lots", "bogus", "1")),
                Map.entry("oom_score_adj", -5),
                Map.entry("storage_opt", Map.of("size", 5)));
        List<String> problems =
                DockerTaskSettings.read(config, DEFAULTS, dev.taskdrivers.api.Resources.defaults()).problems().stream()
                        .map(p -> p.field() + ": " + p.problem())
                        .toList();
        assertThat(problems)
                .hasSize(10)
                .anySatisfy(p -> assertThat(p).startsWith("config.memory_hard_limit: must be at least"))
                .anySatisfy(p -> assertThat(p).startsWith("config.cpu_cfs_period: must be between 1000 and 1000000"))
                .anySatisfy(p -> assertThat(p).startsWith("config.cpu_cfs_period: only applies with cpu_hard_limit"))
                .anySatisfy(p -> assertThat(p).startsWith("config.cpuset_cpus: must list cores"))
                .anySatisfy(p -> assertThat(p).startsWith("config.pids_limit: must be between 0"))
                .anySatisfy(p -> assertThat(p).startsWith("config.ulimit.nofile: soft limit 2048 is above"))
                .anySatisfy(p -> assertThat(p).startsWith("config.ulimit.nproc: must be \"soft:hard\""))
                .anySatisfy(p -> assertThat(p).startsWith("config.ulimit.bogus: is not a limit"))
                .anySatisfy(p -> assertThat(p).startsWith("config.oom_score_adj: must be between 0 and 1000"))
                .anySatisfy(p -> assertThat(p).startsWith("config.storage_opt.size: must be a string"));
        DockerDriverOptions capped = DockerDriverOptions.parse(Map.of("pids_limit", 64));
        assertThat(DockerTaskSettings.read(Map.of("image", "busybox"), capped)
                        .settings()
                        .limits()
                        .pidsLimit())
                .isEqualTo(64);
    }

    @Test
    void bindsInsideTheAllocationAndTmpfsNeedNoOperatorWhileHostPathsAndVolumesDo() {
        List<String> problems = DockerTaskSettings.read(
                        Map.of(
                                "image",
                                "busybox",
                                "volumes",
                                List.of(
                                        "local/data:/data",
                                        "./cache:/cache:ro",
                                        "../alloc/shared:/shared",
                                        "/etc:/host-etc",
                                        "named:/named",
                                        "../../other-alloc:/other"),
                                "mount",
                                List.of(
                                        Map.of("type", "bind", "source", "local/in", "target", "/in"),
                                        Map.of("type", "bind", "source", "secrets", "target", "/s"),
                                        Map.of("type", "bind", "source", "/var", "target", "/var2"),
                                        Map.of("type", "tmpfs", "target", "/t"),
                                        Map.of("type", "volume", "source", "named", "target", "/v"))),
                        DEFAULTS)
                .problems()
                .stream()
                .map(ValidationProblem::toString)
                .toList();

        String disabled = "volumes are disabled by the driver configuration (volumes.enabled = false)";
        assertThat(problems)
                .containsExactly(
                        "config.volumes[3]: binds host path \"/etc\" outside the task's allocation directory and "
                                + disabled,
                        "config.volumes[4]: \"named\" names a docker volume and " + disabled
                                + "; write \"./named\" for a directory in the task directory",
                        "config.volumes[5]: binds host path \"../../other-alloc\" outside the task's allocation"
                                + " directory and " + disabled,
                        "config.mount[2].source: binds host path \"/var\" outside the task's allocation directory and "
                                + disabled,
                        "config.mount[4]: is a volume mount and " + disabled);
    }

    @Test
    void privilegedVolumesAndMountsNeedTheOperator() {
        assertThat(fields(Map.of("image", "busybox", "privileged", true), DEFAULTS))
                .containsExactly("config.privileged");
        assertThat(fields(Map.of("image", "busybox", "volumes", List.of("/a:/b")), DEFAULTS))
                .containsExactly("config.volumes[0]");
        assertThat(fields(
                        Map.of("image", "busybox", "mounts", List.of(Map.of("source", "/a", "target", "/b"))),
                        DEFAULTS))
                .containsExactly("config.mounts[0].source");
        assertThat(fields(
                        Map.of("image", "busybox", "mounts", List.of(Map.of("type", "nfs", "target", "b", "extra", 1))),
                        PERMISSIVE))
                .containsExactlyInAnyOrder(
                        "config.mounts[0].type",
                        "config.mounts[0].source",
                        "config.mounts[0].target",
                        "config.mounts[0].extra");
    }

    @Test
    void networkAliasesNeedAUserDefinedNetwork() {
        assertThat(fields(Map.of("image", "busybox", "network_aliases", List.of("a")), DEFAULTS))
                .containsExactly("config.network_aliases");
    }

    @Test
    void passwordStaysOutOfToStringAndProblems() {
        DockerTaskSettings s = DockerTaskSettings.read(
                        Map.of("image", "busybox", "auth", Map.of("username", "u", "password", "hunter2-secret")),
                        DEFAULTS)
                .settings();
        assertThat(s.toString()).doesNotContain("hunter2-secret").contains("<redacted>");
        assertThat(s.auth().toString()).doesNotContain("hunter2-secret");
        assertThat(DockerTaskSettings.read(
                                Map.of(
                                        "image",
                                        "busybox",
                                        "tty",
                                        3,
                                        "auth",
                                        Map.of("username", "u", "password", "hunter2-secret")),
                                DEFAULTS)
                        .problems()
                        .toString())
                .doesNotContain("hunter2-secret");
    }

    @Test
    void volumesAreEnabledByNomadsBlockOrTheOlderFlag() {
        assertThat(DockerDriverOptions.parse(Map.of()).volumesEnabled()).isFalse();
        assertThat(DockerDriverOptions.parse(Map.of("volumes", Map.of("enabled", true)))
                        .volumesEnabled())
                .isTrue();
        assertThat(DockerDriverOptions.parse(Map.of("volumes_enabled", true)).volumesEnabled())
                .isTrue();
        assertThat(DockerDriverOptions.parse(Map.of("volumes", Map.of("selinuxlabel", "z")))
                        .selinuxLabel())
                .isEqualTo("z");
        assertThatThrownBy(() -> DockerDriverOptions.parse(
                        Map.of("volumes", Map.of("enabled", true, "selinuxlabel", "x"), "volumes_enabled", false)))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems())
                                .extracting(ValidationProblem::field)
                                .containsExactlyInAnyOrder("docker.volumes.selinuxlabel", "docker.volumes_enabled"));
    }

    @Test
    void driverOptionsAreCheckedToo() {
        assertThatThrownBy(() -> DockerDriverOptions.parse(Map.of(
                        "endpoint", "http://x", "tls_verify", true, "image_gc", Map.of("delay", "soon"), "bogus", 1)))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems())
                                .extracting(ValidationProblem::field)
                                .containsExactlyInAnyOrder(
                                        "docker.endpoint",
                                        "docker.cert_path",
                                        "docker.image_gc.delay",
                                        "docker.bogus"));
        DockerDriverOptions o = DockerDriverOptions.parse(Map.of());
        assertThat(o.imageRemovalDelay()).isEqualTo(Duration.ofMinutes(3));
        assertThat(o.pullActivityTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.pullTimeout()).isEqualTo(Duration.ofMinutes(5));
    }
}
