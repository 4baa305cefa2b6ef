package dev.taskdrivers.exec.internal.java;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code java -version} and a JDK's release file say, read into the fingerprint's attributes. */
class JdkVersionTest {

    @Test
    void readsVersionRuntimeVmAndTheVendorProperty() {
        String output = String.join(
                "\n",
                "Picked up JAVA_TOOL_OPTIONS: -Dx=y",
                "Property settings:",
                "    java.vendor = Eclipse Adoptium",
                "    java.version = 21.0.4",
                "",
                "openjdk version \"21.0.4\" 2024-07-16 LTS",
                "OpenJDK Runtime Environment Temurin-21.0.4+7 (build 21.0.4+7-LTS)",
                "OpenJDK 64-Bit Server VM Temurin-21.0.4+7 (build 21.0.4+7-LTS, mixed mode, sharing)");

        JdkVersion v = JdkVersion.parse(output, Map.of("IMPLEMENTOR", "other")).orElseThrow();

        assertThat(v)
                .isEqualTo(new JdkVersion(
                        "21.0.4",
                        "Eclipse Adoptium",
                        "OpenJDK Runtime Environment Temurin-21.0.4+7 (build 21.0.4+7-LTS)",
                        "OpenJDK 64-Bit Server VM Temurin-21.0.4+7 (build 21.0.4+7-LTS, mixed mode, sharing)"));
        assertThat(v.major()).isEqualTo(21);
    }

    @Test
    void anOldJavaWithoutPropertiesTakesTheVendorFromTheReleaseFile(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"1.8.0_402\"\nIMPLEMENTOR=\"Azul Systems, Inc.\"\n");
        String output = String.join(
                "\n",
                "java version \"1.8.0_402\"",
                "Java(TM) SE Runtime Environment (build 1.8.0_402-b06)",
                "Java HotSpot(TM) 64-Bit Server VM (build 25.402-b06, mixed mode)");

        JdkVersion v = JdkVersion.parse(output, JdkVersion.release(home)).orElseThrow();

        assertThat(v.version()).isEqualTo("1.8.0_402");
        assertThat(v.vendor()).isEqualTo("Azul Systems, Inc.");
        assertThat(v.runtime()).isEqualTo("Java(TM) SE Runtime Environment (build 1.8.0_402-b06)");
        assertThat(v.vm()).isEqualTo("Java HotSpot(TM) 64-Bit Server VM (build 25.402-b06, mixed mode)");
        assertThat(v.major()).isEqualTo(8);
    }

    @Test
    void outputWithoutAVersionLineIsNoVersion() {
        assertThat(JdkVersion.parse("Error: could not create the Java Virtual Machine.", Map.of()))
                .isEmpty();
    }
}
