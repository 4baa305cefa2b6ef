package dev.taskdrivers.runner.drivers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.DriverFactory;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverRegistryTest {
    @TempDir
    Path dir;

    /** A class loader that sees the test class path plus a services file listing {@code factories}. */
    private ClassLoader loaderWith(Class<?>... factories) throws IOException {
        Path services = dir.resolve("cp/META-INF/services");
        Files.createDirectories(services);
        StringBuilder lines = new StringBuilder();
        for (Class<?> c : factories) {
            lines.append(c.getName()).append('\n');
        }
        Files.writeString(services.resolve(DriverFactory.class.getName()), lines);
        return new URLClassLoader(new URL[] {dir.resolve("cp").toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void findsTheDriversOnTheInjectedClassLoader() throws Exception {
        DriverRegistry registry = DriverRegistry.load(loaderWith(TestFactories.WithSecrets.class), dir, Map.of());

        assertThat(registry.names()).contains("vault", "raw_exec");
        assertThat(registry.factoryClass("vault")).isEqualTo(TestFactories.WithSecrets.class.getName());
    }

    @Test
    void anUnknownDriverNamesTheDriversFoundAndTheArtifactToAdd() throws Exception {
        DriverRegistry registry = DriverRegistry.load(loaderWith(TestFactories.WithSecrets.class), dir, Map.of());

        assertThatThrownBy(() -> registry.driver("docker")).isInstanceOf(DriverException.class)
                .hasMessageContaining("unknown driver \"docker\"")
                .hasMessageContaining("raw_exec").hasMessageContaining("vault")
                .hasMessageContaining("dev.taskdrivers:driver-docker");
    }

    @Test
    void twoFactoriesWithOneNameAreAnErrorNamingBothClasses() throws Exception {
        ClassLoader loader = loaderWith(TestFactories.DupA.class, TestFactories.DupB.class);

        assertThatThrownBy(() -> DriverRegistry.load(loader, dir, Map.of())).isInstanceOf(DriverException.class)
                .hasMessageContaining("\"dup\"").hasMessageContaining(TestFactories.DupA.class.getName())
                .hasMessageContaining(TestFactories.DupB.class.getName());
    }

    @Test
    void aDriverBuiltForAnotherSpiVersionIsRefused() throws Exception {
        ClassLoader loader = loaderWith(TestFactories.FromTheFuture.class);

        assertThatThrownBy(() -> DriverRegistry.load(loader, dir, Map.of()))
                .hasMessageContaining("future").hasMessageContaining("SPI version " + (DriverApi.SPI_VERSION + 1));
    }

    @Test
    void secretOptionsAreMaskedInToString() {
        DriverRegistry registry = DriverRegistry.of(List.of(new TestFactories.WithSecrets()), dir,
                Map.of("vault", Map.of("key_material", "s3cr3t", "password", "hunter2", "address", "x")));

        assertThat(registry.toString()).doesNotContain("s3cr3t").doesNotContain("hunter2").contains("address=x");
    }
}
