package dev.taskdrivers.runner.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.StateFileProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path dir;

    private static PersistedTask task(String alloc, String name, String status) {
        return PersistedTask.builder()
                .format(TaskStateCodec.FORMAT)
                .allocId(alloc)
                .jobName("job")
                .jobType("batch")
                .groupName("group")
                .allocIndex(0)
                .datacenter("dc1")
                .region("global")
                .jobMeta(Map.of())
                .groupMeta(Map.of())
                .task(Map.of("name", name, "driver", "fake"))
                .ports(List.of())
                .portMap(Map.of())
                .envOverrides(Map.of())
                .status(status)
                .handle(null)
                .created(Map.of())
                .network(null)
                .restartCount(0)
                .restartWindowStart(0)
                .restartWindowCount(0)
                .lastExit(null)
                .failed(false)
                .cleanedUp(false)
                .events(List.of())
                .jobDigest(null)
                .build();
    }

    @Test
    void aWrittenStateReadsBackEqual() {
        StateStore store = new StateStore(dir);
        PersistedTask t = PersistedTask.builder()
                .format(TaskStateCodec.FORMAT)
                .allocId("a1")
                .jobName("job")
                .jobType("service")
                .groupName("group")
                .allocIndex(2)
                .datacenter("dc1")
                .region("eu")
                .jobMeta(Map.of("k", "v"))
                .groupMeta(Map.of())
                .task(Map.of("name", "web", "driver", "fake"))
                .ports(List.of(new PersistedTask.PortRecord("http", 20001, "127.0.0.1")))
                .portMap(Map.of("http", 80))
                .envOverrides(Map.of())
                .status("RUNNING")
                .handle(new PersistedTask.HandleRecord("fake", 1, Map.of("pid", "42")))
                .created(Map.of("image", List.of("busybox:1")))
                .network(new PersistedTask.NetworkRecord("172.17.0.2", Map.of(), false))
                .restartCount(3)
                .restartWindowStart(1000)
                .restartWindowCount(1)
                .lastExit(new PersistedTask.ExitRecord(1, 0, false, null))
                .failed(false)
                .cleanedUp(false)
                .events(List.of(new PersistedTask.EventRecord("STARTED", 5, "Task started", Map.of())))
                .jobDigest("d1g3st")
                .build();

        store.write(t);

        assertThat(store.loadAll().tasks()).containsExactly(t);
        assertThat(store.loadAll().problems()).isEmpty();
    }

    @Test
    void rewritingReplacesTheFileAtomicallyAndLeavesNoTempFile() throws Exception {
        StateStore store = new StateStore(dir);
        store.write(task("a1", "web", "PENDING"));
        store.write(task("a1", "web", "RUNNING"));

        assertThat(store.loadAll().tasks())
                .singleElement()
                .extracting(PersistedTask::status)
                .isEqualTo("RUNNING");
        try (var files = Files.list(dir.resolve("a1"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("web.json");
        }
    }

    @Test
    void aTempFileLeftByACrashDuringAWriteIsIgnoredAndTheOldStateKept() throws Exception {
        StateStore store = new StateStore(dir);
        store.write(task("a1", "web", "RUNNING"));
        Files.writeString(dir.resolve("a1/web.json.tmp"), "{\"format\": 1, \"allocId\": \"a1\", \"sta");

        StateStore.LoadResult result = store.loadAll();

        assertThat(result.tasks())
                .singleElement()
                .extracting(PersistedTask::status)
                .isEqualTo("RUNNING");
        assertThat(result.problems()).isEmpty();
        assertThat(dir.resolve("a1/web.json.tmp")).doesNotExist();
    }

    @Test
    void aStagedStateIsInvisibleUntilPublishedAndADiscardedOneLeavesTheStateAsItWas() throws Exception {
        StateStore store = new StateStore(dir);
        StateStore.Staged first = store.stage(task("a1", "web", "PENDING"));

        assertThat(dir.resolve("a1/web.json")).doesNotExist();
        first.publish();
        assertThat(store.loadAll().tasks())
                .singleElement()
                .extracting(PersistedTask::status)
                .isEqualTo("PENDING");

        StateStore.Staged late = store.stage(task("a1", "web", "PENDING"));
        store.write(task("a1", "web", "RUNNING"), false);
        late.discard();

        assertThat(store.loadAll().tasks())
                .singleElement()
                .extracting(PersistedTask::status)
                .isEqualTo("RUNNING");
        try (var files = Files.list(dir.resolve("a1"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("web.json");
        }
    }

    @Test
    void aWriteFillsTheFilePreparedForItAndLeavesNoTempFile() throws Exception {
        StateStore store = new StateStore(dir);
        store.write(task("a1", "web", "PENDING"), false);
        store.prepareNextWrite("a1", "web");
        Object prepared = Files.getAttribute(dir.resolve("a1/web.json.tmp"), "unix:ino");

        store.write(task("a1", "web", "RUNNING"), false);

        assertThat(Files.getAttribute(dir.resolve("a1/web.json"), "unix:ino")).isEqualTo(prepared);
        assertThat(store.loadAll().tasks())
                .singleElement()
                .extracting(PersistedTask::status)
                .isEqualTo("RUNNING");
        try (var files = Files.list(dir.resolve("a1"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("web.json");
        }
    }

    @Test
    void preparingTheNextWriteOfAForgottenAllocationCreatesNothing() {
        StateStore store = new StateStore(dir);

        store.prepareNextWrite("gone", "web");

        assertThat(dir.resolve("gone")).doesNotExist();
    }

    @Test
    void aStagedStateLeftByACrashIsRemovedAndThePublishedOneKept() throws Exception {
        StateStore store = new StateStore(dir);
        store.write(task("a1", "web", "RUNNING"));
        store.stage(task("a1", "web", "PENDING"));

        StateStore.LoadResult result = store.loadAll();

        assertThat(result.tasks())
                .singleElement()
                .extracting(PersistedTask::status)
                .isEqualTo("RUNNING");
        assertThat(result.problems()).isEmpty();
        try (var files = Files.list(dir.resolve("a1"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("web.json");
        }
    }

    @Test
    void corruptTruncatedOrEmptyFilesAreReportedByNameAndTheOthersStillLoad() throws Exception {
        StateStore store = new StateStore(dir);
        store.write(task("a1", "good", "RUNNING"));
        store.write(task("a2", "truncated", "RUNNING"));
        store.write(task("a3", "empty", "RUNNING"));
        store.write(task("a4", "garbage", "RUNNING"));
        Path truncated = dir.resolve("a2/truncated.json");
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Files.write(dir.resolve("a3/empty.json"), new byte[0]);
        Files.writeString(dir.resolve("a4/garbage.json"), "\u0000\u0001not json");

        StateStore.LoadResult result = store.loadAll();

        assertThat(result.tasks()).extracting(PersistedTask::allocId).containsExactly("a1");
        assertThat(result.problems())
                .extracting(p -> p.file().getFileName().toString())
                .containsExactlyInAnyOrder("truncated.json", "empty.json", "garbage.json");
        assertThat(result.problems())
                .allSatisfy(p -> assertThat(p.toString()).contains(p.file().toString()));
        assertThat(result.problems())
                .filteredOn(p -> p.file().endsWith("empty.json"))
                .singleElement()
                .extracting(StateFileProblem::problem)
                .asString()
                .contains("empty");
    }

    @Test
    void aStateFileInTheWrongAllocationDirectoryIsRejected() throws Exception {
        StateStore store = new StateStore(dir);
        store.write(task("a1", "web", "RUNNING"));
        Files.createDirectories(dir.resolve("a2"));
        Files.copy(dir.resolve("a1/web.json"), dir.resolve("a2/web.json"));

        StateStore.LoadResult result = store.loadAll();

        assertThat(result.tasks()).hasSize(1);
        assertThat(result.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.problem()).contains("a2"));
    }

    @Test
    void aFileOfAnUnreadableFormatIsReportedForItsAllocationOnlyAndAFormat1FileIsLoaded() throws Exception {
        StateStore store = new StateStore(dir);
        store.write(task("a1", "web", "RUNNING"));
        store.write(task("a2", "newer", "RUNNING"));
        Path newer = dir.resolve("a2/newer.json");
        Files.writeString(
                newer,
                Files.readString(newer)
                        .replace("\"format\":" + TaskStateCodec.FORMAT, "\"format\":" + (TaskStateCodec.FORMAT + 1)));
        Files.createDirectories(dir.resolve("001e8e0a-1357-4516-af81-79d43373b626"));
        try (var in = getClass().getResourceAsStream("/state/format-1/raw_exec-running.json")) {
            Files.write(dir.resolve("001e8e0a-1357-4516-af81-79d43373b626/t.json"), in.readAllBytes());
        }

        StateStore.LoadResult result = store.loadAll();

        assertThat(result.tasks())
                .extracting(PersistedTask::allocId)
                .containsExactlyInAnyOrder("a1", "001e8e0a-1357-4516-af81-79d43373b626");
        assertThat(result.tasks()).allSatisfy(t -> assertThat(t.format()).isEqualTo(TaskStateCodec.FORMAT));
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(newer);
            assertThat(p.problem()).contains("unsupported format " + (TaskStateCodec.FORMAT + 1));
        });
    }
}
