package dev.taskdrivers.runner.internal.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllocSandboxTest {
    @TempDir
    Path root;

    @Test
    void theTaskDirectoryAndTheAllocationsAllocDirectoryAreInsideNothingElseIs() {
        assertThat(AllocSandbox.relative("local/app.conf")).contains(Path.of("local/app.conf"));
        assertThat(AllocSandbox.relative("../alloc/config.json")).contains(Path.of("../alloc/config.json"));
        assertThat(AllocSandbox.relative("${NOMAD_ALLOC_DIR}/data/x")).contains(Path.of("../alloc/data/x"));
        assertThat(AllocSandbox.relative("$NOMAD_ALLOC_DIR/x")).contains(Path.of("../alloc/x"));
        assertThat(AllocSandbox.relative("${NOMAD_TASK_DIR}/a")).contains(Path.of("local/a"));
        assertThat(AllocSandbox.relative("${NOMAD_SECRETS_DIR}/a")).contains(Path.of("secrets/a"));

        assertThat(AllocSandbox.relative("../other/x"))
                .as("a sibling task's directory")
                .isEmpty();
        assertThat(AllocSandbox.relative("../alloc/../other/x")).isEmpty();
        assertThat(AllocSandbox.relative("${NOMAD_ALLOC_DIR}/../../x")).isEmpty();
        assertThat(AllocSandbox.relative("../allocx/y")).isEmpty();
        assertThat(AllocSandbox.relative("../../etc/passwd")).isEmpty();
        assertThat(AllocSandbox.relative("/etc/passwd")).isEmpty();
        assertThat(AllocSandbox.relative("local/${NOMAD_META_x}")).isEmpty();
    }

    @Test
    void aResolvedPathMayLieInTheTaskOrTheAllocDirectoryOnly() {
        Path task = root.resolve("web");
        assertThat(AllocSandbox.contains(task, task.resolve("local/a"))).isTrue();
        assertThat(AllocSandbox.contains(task, root.resolve("alloc/a"))).isTrue();
        assertThat(AllocSandbox.contains(task, root.resolve("db/local/a"))).isFalse();
        assertThat(AllocSandbox.contains(task, root.resolve(".artifacts/web"))).isFalse();
    }

    @Test
    void aLinkInTheAllocDirectoryThatLeadsOutIsOutside() throws Exception {
        Path task = Files.createDirectories(root.resolve("web"));
        Path shared = Files.createDirectories(root.resolve("alloc/data"));
        Path other = Files.createDirectories(root.resolve("db/local"));
        Path link = Files.createSymbolicLink(root.resolve("alloc/out"), other);

        assertThat(AllocSandbox.containsReal(task, shared)).isTrue();
        assertThat(AllocSandbox.containsReal(task, link)).isFalse();
    }

    @Test
    void nothingIsCreatedUnderALinkThatLeadsOutNorReadThroughOne() throws Exception {
        Path task = Files.createDirectories(root.resolve("alloc1/web"));
        Files.createDirectories(root.resolve("alloc1/alloc"));
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s");
        Files.createSymbolicLink(root.resolve("alloc1/alloc/out"), outside);
        Files.createSymbolicLink(root.resolve("alloc1/alloc/secret"), outside.resolve("secret"));

        assertThat(AllocSandbox.createDirectoriesInside(task, root.resolve("alloc1/alloc/out/a/b")))
                .isFalse();
        assertThat(outside.resolve("a")).as("created through the link").doesNotExist();
        assertThat(AllocSandbox.createDirectoriesInside(task, root.resolve("alloc1/alloc/data/a")))
                .isTrue();
        assertThat(root.resolve("alloc1/alloc/data/a")).isDirectory();
        assertThat(AllocSandbox.readableInside(task, root.resolve("alloc1/alloc/secret")))
                .isFalse();
        assertThat(AllocSandbox.readableInside(task, root.resolve("alloc1/alloc/missing")))
                .isTrue();
    }

    @Test
    void aFileIsInsideWhenItsDirectoryIsAndItIsNoLinkLeadingOut() throws Exception {
        Path task = Files.createDirectories(root.resolve("alloc1/web"));
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s");
        Files.createDirectories(task.resolve("local"));
        Files.writeString(task.resolve("local/plain"), "p");
        Files.createSymbolicLink(task.resolve("local/secret"), outside.resolve("secret"));
        Files.createSymbolicLink(task.resolve("local/dangling"), task.resolve("local/gone"));
        Files.createSymbolicLink(task.resolve("local/near"), task.resolve("local/plain"));
        Files.createSymbolicLink(task.resolve("out"), outside);
        Files.writeString(task.resolve("notadir"), "f");

        assertThat(AllocSandbox.fileInside(task, task.resolve("local/plain"))).isTrue();
        assertThat(AllocSandbox.fileInside(task, task.resolve("local/missing"))).isTrue();
        assertThat(AllocSandbox.fileInside(task, task.resolve("local/near")))
                .as("a link to a file inside")
                .isTrue();
        assertThat(AllocSandbox.fileInside(task, task.resolve("local/dangling")))
                .as("a link to nothing, which a write replaces")
                .isTrue();
        assertThat(AllocSandbox.fileInside(task, task.resolve("local/secret"))).isFalse();
        assertThat(AllocSandbox.fileInside(task, task.resolve("out/x"))).isFalse();
        assertThat(AllocSandbox.fileInside(task, task.resolve("new/deeper/x"))).isTrue();
        assertThat(task.resolve("new/deeper")).isDirectory();
        assertThatThrownBy(() -> AllocSandbox.fileInside(task, task.resolve("notadir/x")))
                .as("a file where the directory should be")
                .isInstanceOf(java.io.IOException.class);
    }
}
