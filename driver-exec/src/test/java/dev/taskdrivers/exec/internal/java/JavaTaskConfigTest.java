package dev.taskdrivers.exec.internal.java;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationProblem;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A java task's config: every problem at once with its field, and the java command line it becomes. */
class JavaTaskConfigTest {
    private static final TaskDirs DIRS = TaskDirs.standard(Path.of("/data/allocs/a1"), "app");
    private static final Map<String, String> CHROOT_ENV = Map.of("/usr", "/usr", "/opt/jars", "/jars");

    private static JavaTaskConfig read(Map<String, Object> config, JavaIsolation isolation) {
        TaskConfig task = new TaskConfig(
                new TaskId("a1", "job", "g", 0, "app"), config, Map.of(), Resources.defaults(), DIRS, null, null, null);
        return JavaTaskConfig.read(
                task,
                isolation,
                new TaskPaths(task, isolation, isolation == JavaIsolation.CHROOT ? CHROOT_ENV : Map.of()));
    }

    private static List<String> problems(Map<String, Object> config, JavaIsolation isolation) {
        return read(config, isolation).problems().stream()
                .map(ValidationProblem::toString)
                .toList();
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        assertThat(problems(
                        Map.of(
                                "jvm_options", List.of("Xmx1g", "-jar", "-cp"),
                                "args", "not-a-list",
                                "pid_mode", "shared",
                                "cap_add", List.of("net_raw"),
                                "work_dir", "/srv",
                                "colour", "blue"),
                        JavaIsolation.CHROOT))
                .containsExactlyInAnyOrder(
                        "config.jar_path: either jar_path (a jar to run) or class (a main class to run) must be set",
                        "config.jvm_options[0]: must be a JVM option starting with '-', got \"Xmx1g\"",
                        "config.jvm_options[1]: -jar is set by the driver: use jar_path",
                        "config.jvm_options[2]: -cp is set by the driver: use class_path",
                        "config.args: must be a list of strings, got \"not-a-list\"",
                        "config.cap_add: not supported: tasks get the capabilities of their user (nobody by default)",
                        "config.work_dir: not supported: the task starts in its task directory (/ of its chroot when"
                                + " isolated)",
                        "config.colour: unknown option");
    }

    @Test
    void pathsMustStayInsideWhatTheTaskSees() {
        assertThat(problems(
                        Map.of("jar_path", "../other/app.jar", "class", "1bad", "class_path", "app/lib:/etc/x"),
                        JavaIsolation.CHROOT))
                .containsExactlyInAnyOrder(
                        "config.jar_path: \"../other/app.jar\" leaves the task directory",
                        "config.class: must be a fully qualified class name such as com.example.Main, got \"1bad\"",
                        "config.class_path: entry \"app/lib\" is not visible to the task: in its chroot relative paths"
                                + " start with local/, alloc/ or secrets/",
                        "config.class_path: entry \"/etc/x\" is outside the task's chroot, which holds /alloc, /local,"
                                + " /secrets and /jars, /usr");
        assertThat(problems(Map.of("jar_path", "local/app.jar", "class_path", "local/lib"), JavaIsolation.CHROOT))
                .containsExactly("config.class_path: java -jar ignores a class path: set class as well to run it from"
                        + " jar_path and class_path");
        assertThat(problems(
                        Map.of("jar_path", "app.jar", "pid_mode", "private", "ipc_mode", "host"), JavaIsolation.NONE))
                .containsExactly("config.pid_mode: the driver runs tasks without isolation (its option isolation ="
                        + " \"none\"), so only \"host\" applies, got \"private\"");
    }

    /** A bridge group's network and the task's ports in it go to the exec machinery, which joins and reads them. */
    @Test
    void theGroupsNetworkModeAndThePortMapPassToTheMachinery() {
        Map<String, Object> config =
                Map.of("jar_path", "local/app.jar", "network_mode", "netns:td-a1", "port_map", Map.of("http", 8080));
        for (JavaIsolation isolation : JavaIsolation.values()) {
            JavaTaskConfig read = read(config, isolation);
            assertThat(read.problems()).isEmpty();
            assertThat(read.execConfig())
                    .containsEntry("network_mode", "netns:td-a1")
                    .containsEntry("port_map", Map.of("http", 8080));
        }
    }

    @Test
    void aJarRunsWithJavaDashJarAndTheDriversOptionsFirst() {
        JavaTaskConfig config = read(
                Map.of("jar_path", "local/app.jar", "jvm_options", List.of("-Xmx1g"), "args", List.of("a", "b c")),
                JavaIsolation.CHROOT);

        assertThat(config.javaArgs(List.of("-XX:MaxRAM=300m")))
                .containsExactly("-XX:MaxRAM=300m", "-Xmx1g", "-jar", "/local/app.jar", "a", "b c");
        assertThat(config.jarPath().orElseThrow().host())
                .contains(DIRS.localDir().resolve("app.jar"));
    }

    @Test
    void aClassRunsOnItsClassPathWithTheJarFirst() {
        JavaTaskConfig isolated = read(
                Map.of(
                        "jar_path",
                        "alloc/app.jar",
                        "class",
                        "com.example.Main",
                        "class_path",
                        "local/lib/*:/jars/x.jar"),
                JavaIsolation.CHROOT);
        JavaTaskConfig plain =
                read(Map.of("class", "com.example.Main", "class_path", "local/classes:lib/*"), JavaIsolation.NONE);

        assertThat(isolated.problems()).isEmpty();
        assertThat(isolated.javaArgs(List.of()))
                .containsExactly("-cp", "/alloc/app.jar:/local/lib/*:/jars/x.jar", "com.example.Main");
        assertThat(isolated.classPath().get(1).host()).contains(Path.of("/opt/jars/x.jar"));
        assertThat(plain.javaArgs(List.of()))
                .containsExactly(
                        "-cp",
                        DIRS.localDir().resolve("classes") + ":"
                                + DIRS.taskDir().resolve("lib") + "/*",
                        "com.example.Main");
    }

    @Test
    void theNamespaceAndLogOptionsGoToTheExecMachineryAsWritten() {
        assertThat(read(
                                Map.of("class", "Main", "pid_mode", "host", "ipc_mode", "private", "max_files", 3L),
                                JavaIsolation.CHROOT)
                        .execConfig())
                .isEqualTo(Map.of("pid_mode", "host", "ipc_mode", "private", "max_files", 3L));
    }
}
