package dev.taskdrivers.exec.internal.java;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which JDK the driver takes, what it says when there is none, and the operator's options. */
class JdkAndOptionsTest {
    @TempDir
    Path dir;

    private Path fakeJdk(String name) throws Exception {
        Path java = Files.createDirectories(dir.resolve(name).resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir.resolve(name).toRealPath();
    }

    @Test
    void javaHomeWinsThenJavaHomeVariableThenPath() throws Exception {
        Path option = fakeJdk("option");
        Path variable = fakeJdk("variable");
        Path onPath = fakeJdk("path");
        Map<String, String> env = new HashMap<>(Map.of("JAVA_HOME", variable.toString(), "PATH", onPath + "/bin"));

        assertThat(Jdk.find(option.toString(), env).jdk())
                .hasValueSatisfying(j -> assertThat(j.home()).isEqualTo(option));
        assertThat(Jdk.find(null, env).jdk())
                .hasValueSatisfying(j -> assertThat(j.source()).isEqualTo("JAVA_HOME"));
        env.put("JAVA_HOME", dir.resolve("gone").toString());
        assertThat(Jdk.find(null, env).jdk()).hasValueSatisfying(j -> {
            assertThat(j.home()).isEqualTo(onPath);
            assertThat(j.java()).isEqualTo(onPath.resolve("bin/java"));
        });
    }

    @Test
    void withoutAJdkTheDriverIsUndetectedAndABadJavaHomeUnhealthy() {
        Map<String, String> noJava = Map.of("PATH", dir.toString());
        JavaDriver none = new JavaDriver(
                DriverContext.of(dir.resolve("data")), JavaOptions.read(Map.of("isolation", "none")), noJava);
        JavaDriver badHome = new JavaDriver(
                DriverContext.of(dir.resolve("data")),
                JavaOptions.read(Map.of("isolation", "none", "java_home", "/nowhere/jdk")),
                noJava);

        Fingerprint undetected = none.fingerprint();
        Fingerprint unhealthy = badHome.fingerprint();

        assertThat(undetected.health()).isEqualTo(Fingerprint.Health.UNDETECTED);
        assertThat(undetected.description())
                .isEqualTo("no JDK found: the driver option java_home is not set, JAVA_HOME is not set and there is no"
                        + " java on PATH (" + dir + ")");
        assertThat(unhealthy.health()).isEqualTo(Fingerprint.Health.UNHEALTHY);
        assertThat(unhealthy.description())
                .isEqualTo("the driver option java_home = /nowhere/jdk is no JDK: it has no executable bin/java");
    }

    @Test
    void optionsAreCheckedTogetherWithTheExecOptions() {
        assertThatThrownBy(
                        () -> JavaOptions.read(Map.of("isolation", "vm", "java_home", "jdk", "cgroup_parent", "../x")))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems())
                                .extracting(ValidationProblem::field)
                                .containsExactlyInAnyOrder("isolation", "java_home", "cgroup_parent"));
        assertThatThrownBy(() -> JavaOptions.read(Map.of("isolation", "none", "allow_root", true, "fork_server", "no")))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems())
                                .extracting(ValidationProblem::toString)
                                .containsExactlyInAnyOrder(
                                        "allow_root: applies only with isolation = \"chroot\"",
                                        "fork_server: must be true or false, got \"no\""));
        assertThat(JavaOptions.read(Map.of()).isolation()).isEqualTo(JavaIsolation.CHROOT);
    }
}
