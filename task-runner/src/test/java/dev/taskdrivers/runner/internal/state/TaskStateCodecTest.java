package dev.taskdrivers.runner.internal.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskStateCodecTest {
    private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

    /** The state file of a running raw_exec task, copied from a runner of format 1 killed with SIGKILL. */
    private static final String FORMAT_1_FILE = "/state/format-1/raw_exec-running.json";

    private static String format1File() throws IOException {
        try (InputStream in = TaskStateCodecTest.class.getResourceAsStream(FORMAT_1_FILE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static PersistedTask decode(TaskStateCodec codec, String text) throws UnreadableStateException {
        return codec.decode(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFileWrittenInFormat1IsReadAndMigratedToTheCurrentFormat() throws Exception {
        String file = format1File();
        assertThat(file).startsWith("{\"format\":1,");

        PersistedTask task = decode(TaskStateCodec.standard(), file);

        assertThat(task.format()).isEqualTo(TaskStateCodec.FORMAT).isEqualTo(7);
        assertThat(task.groupShutdownDelayMillis()).isZero(); // format 2 -> 3: groups had no shutdown delay
        assertThat(task.allocId()).isEqualTo("001e8e0a-1357-4516-af81-79d43373b626");
        assertThat(task.jobName()).isEqualTo("idle");
        assertThat(task.jobType()).isEqualTo("batch");
        assertThat(task.groupName()).isEqualTo("g375");
        assertThat(task.status()).isEqualTo("RUNNING");
        assertThat(task.task()).containsEntry("name", "t").containsEntry("driver", "raw_exec");
        assertThat(task.task().get("restart"))
                .isEqualTo(Map.of(
                        "attempts",
                        0,
                        "interval",
                        "1800000ms",
                        "delay",
                        "15000ms",
                        "mode",
                        "fail",
                        "jitter",
                        "3750ms"));
        assertThat(task.handle().driver()).isEqualTo("raw_exec");
        assertThat(task.handle().version()).isEqualTo(1);
        assertThat(task.handle().data()).containsEntry("pid", "7682").containsEntry("pid_start", "1105192");
        assertThat(task.created()).containsOnlyKeys("raw_exec_exit_file", "raw_exec_state_dir");
        assertThat(task.events())
                .extracting(PersistedTask.EventRecord::type)
                .containsExactly("RECEIVED", "TASK_SETUP", "STARTED");
        assertThat(task.events().get(2).time()).isEqualTo(1796025173773L);
        assertThat(task.lastExit()).isNull();
        assertThat(task.network()).isNull();
        assertThat(task.jobDigest()).isEqualTo("df4b9c9c0e4e42ae2f79f857bca0733a8775e4e4c5aa0e7834b32479ac7bf533");
    }

    @Test
    void aMigratedStateIsWrittenInTheCurrentFormatAndReadsBackEqual() throws Exception {
        TaskStateCodec codec = TaskStateCodec.standard();
        PersistedTask migrated = decode(codec, format1File());

        byte[] written = codec.encode(migrated);

        assertThat(new String(written, StandardCharsets.UTF_8)).startsWith("{\"format\":7,");
        assertThat(codec.decode(written)).isEqualTo(migrated);
    }

    @Test
    void aGroupsShutdownDelayIsKeptAndAFormat2FileWithoutOneReadsAsNone() throws Exception {
        TaskStateCodec codec = TaskStateCodec.standard();
        PersistedTask t = decode(codec, format1File());
        PersistedTask delayed = t.toBuilder().groupShutdownDelayMillis(1500).build();
        String written = new String(codec.encode(delayed), StandardCharsets.UTF_8);

        assertThat(decode(codec, written).groupShutdownDelayMillis()).isEqualTo(1500);
        String format2 =
                written.replace("\"format\":7,", "\"format\":2,").replace(",\"groupShutdownDelayMs\":1500", "");
        assertThat(format2).startsWith("{\"format\":2,").doesNotContain("groupShutdownDelayMs");
        PersistedTask migrated = decode(codec, format2);
        assertThat(migrated.format()).isEqualTo(7);
        assertThat(migrated.groupShutdownDelayMillis()).isZero();
    }

    @Test
    void aRunDeadlineIsKeptAndAFormat4FileWithoutOneReadsAsNone() throws Exception {
        TaskStateCodec codec = TaskStateCodec.standard();
        PersistedTask t = decode(codec, format1File());
        assertThat(t.runDeadline()).isNull();
        PersistedTask limited = t.toBuilder()
                .runDeadline(new PersistedTask.RunDeadline(5000, 1796025178773L, true))
                .build();
        String written = new String(codec.encode(limited), StandardCharsets.UTF_8);

        assertThat(written)
                .contains("\"runDeadline\":{\"maxRunMs\":5000,\"deadlineMs\":1796025178773,\"expired\":true}");
        assertThat(decode(codec, written)).isEqualTo(limited);
        assertThat(decode(codec, written).runDeadline().description())
                .isEqualTo("allocation exceeded max_run_duration of 5s");
        String format4 = new String(codec.encode(t), StandardCharsets.UTF_8).replace("\"format\":7,", "\"format\":4,");
        assertThat(format4).startsWith("{\"format\":4,").doesNotContain("runDeadline");
        PersistedTask migrated = decode(codec, format4);
        assertThat(migrated.format()).isEqualTo(7);
        assertThat(migrated.runDeadline()).isNull();
    }

    @Test
    void theGroupsNetworkModeAndNetworkAreKeptAndAFormat5FileWithoutThemReadsAsUnknown() throws Exception {
        TaskStateCodec codec = TaskStateCodec.standard();
        PersistedTask t = decode(codec, format1File());
        assertThat(t.groupNetwork())
                .as("a format 1 file does not know the mode")
                .isNull();
        PersistedTask.GroupNetworkRecord created = new PersistedTask.GroupNetworkRecord(
                "bridge", "docker", "4f1c2e", Map.of("network_mode", "container:4f1c2e"), false);
        PersistedTask bridge = t.toBuilder().groupNetwork(created).build();
        String written = new String(codec.encode(bridge), StandardCharsets.UTF_8);

        assertThat(written)
                .contains("\"groupNetwork\":{\"mode\":\"bridge\",\"driver\":\"docker\",\"id\":\"4f1c2e\","
                        + "\"taskOptions\":{\"network_mode\":\"container:4f1c2e\"}}");
        assertThat(decode(codec, written)).isEqualTo(bridge);
        PersistedTask.GroupNetworkRecord destroyed = new PersistedTask.GroupNetworkRecord(
                "bridge", "docker", "4f1c2e", Map.of("network_mode", "container:4f1c2e"), true);
        assertThat(decode(
                                codec,
                                new String(
                                        codec.encode(t.toBuilder()
                                                .groupNetwork(destroyed)
                                                .build()),
                                        UTF8))
                        .groupNetwork())
                .isEqualTo(destroyed);
        PersistedTask.GroupNetworkRecord notCreatedYet =
                new PersistedTask.GroupNetworkRecord("bridge", "docker", null, Map.of(), false);
        assertThat(decode(
                                codec,
                                new String(
                                        codec.encode(t.toBuilder()
                                                .groupNetwork(notCreatedYet)
                                                .build()),
                                        UTF8))
                        .groupNetwork())
                .isEqualTo(notCreatedYet);
        assertThat(decode(
                                codec,
                                new String(
                                        codec.encode(t.toBuilder()
                                                .groupNetwork(PersistedTask.GroupNetworkRecord.host())
                                                .build()),
                                        UTF8))
                        .groupNetwork())
                .isEqualTo(PersistedTask.GroupNetworkRecord.host());

        String format5 = new String(codec.encode(t), StandardCharsets.UTF_8).replace("\"format\":7,", "\"format\":5,");
        assertThat(format5).startsWith("{\"format\":5,").doesNotContain("groupNetwork");
        PersistedTask migrated = decode(codec, format5);
        assertThat(migrated.format()).isEqualTo(7);
        assertThat(migrated.groupNetwork()).isNull();
    }

    @Test
    void theGroupsVolumesAreKeptOnlyWhenItHasSomeAndAFormat6FileHasNone() throws Exception {
        TaskStateCodec codec = TaskStateCodec.standard();
        PersistedTask t = decode(codec, format1File());
        Map<String, Object> volumes =
                Map.of("data", Map.of("type", "host", "source", "pg-data", "read_only", true, "per_alloc", false));
        PersistedTask withVolumes = t.toBuilder().groupVolumes(volumes).build();
        String written = new String(codec.encode(withVolumes), StandardCharsets.UTF_8);

        assertThat(written).contains("\"groupVolumes\":{\"data\":{");
        assertThat(decode(codec, written).groupVolumes()).isEqualTo(volumes);
        String without = new String(codec.encode(t), StandardCharsets.UTF_8);
        assertThat(without).doesNotContain("groupVolumes");
        PersistedTask format6 = decode(codec, without.replace("\"format\":7,", "\"format\":6,"));
        assertThat(format6.format()).isEqualTo(7);
        assertThat(format6.groupVolumes()).isNull();
    }

    @Test
    void aGroupNetworkWithoutItsModeIsNamedWithItsPath() {
        String broken = new String(
                        TaskStateCodec.standard()
                                .encode(PersistedTask.builder()
                                        .allocId("a")
                                        .jobName("j")
                                        .jobType("batch")
                                        .groupName("g")
                                        .status("RUNNING")
                                        .task(Map.of("name", "t"))
                                        .groupNetwork(PersistedTask.GroupNetworkRecord.host())
                                        .build()),
                        StandardCharsets.UTF_8)
                .replace("\"mode\":\"host\"", "\"driver\":\"docker\"");

        assertThatThrownBy(() -> decode(TaskStateCodec.standard(), broken))
                .isInstanceOf(UnreadableStateException.class)
                .hasMessageContaining("groupNetwork.mode is missing");
    }

    @Test
    void aFileWithoutFormatIsFormat1AndWithoutJobTypeRanToCompletionLikeABatchJob() throws Exception {
        String oldest = format1File().replace("\"format\":1,", "").replace("\"jobType\":\"batch\",", "");
        assertThat(oldest).doesNotContain("\"format\"").doesNotContain("jobType");

        PersistedTask task = decode(TaskStateCodec.standard(), oldest);

        assertThat(task.format()).isEqualTo(TaskStateCodec.FORMAT);
        assertThat(task.jobType()).isEqualTo("batch");
        assertThat(task.status()).isEqualTo("RUNNING");
    }

    @Test
    void aFutureFormatChangeIsOneMoreStepAppliedAfterTheEarlierOnes() throws Exception {
        List<StateMigration> steps = new java.util.ArrayList<>(TaskStateCodec.MIGRATIONS);
        steps.add(new StateMigration(7, 8, "datacenter names get a prefix", tree -> {
            tree.put("datacenter", "site-" + tree.get("datacenter"));
            return tree;
        }));
        TaskStateCodec format8 = new TaskStateCodec(8, steps);
        String withoutType = format1File().replace("\"jobType\":\"batch\",", "");

        PersistedTask task = decode(format8, withoutType);

        assertThat(task.format()).isEqualTo(8);
        assertThat(task.jobType()).isEqualTo("batch"); // step 1 -> 2 ran first
        assertThat(task.datacenter()).isEqualTo("site-dc1"); // then 2 -> 3 up to 7 -> 8
        assertThat(new String(format8.encode(task), StandardCharsets.UTF_8)).startsWith("{\"format\":8,");
    }

    @Test
    void aCodecMissingAStepToItsFormatIsRefused() {
        assertThatThrownBy(() -> new TaskStateCodec(8, TaskStateCodec.MIGRATIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no migration from format 7 to 8");
        assertThatThrownBy(() -> new StateMigration(1, 3, "skips one", t -> t))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFormatWrittenByANewerRunnerIsRefusedByNumber() throws Exception {
        String newer = format1File().replace("\"format\":1,", "\"format\":9,");

        assertThatThrownBy(() -> decode(TaskStateCodec.standard(), newer))
                .isInstanceOf(UnreadableStateException.class)
                .hasMessageContaining("unsupported format 9")
                .hasMessageContaining("newer runner");
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedWithItsPath() throws Exception {
        String wrongPid = format1File().replace("\"pid\":\"7682\"", "\"pid\":7682");
        String wrongIndex = format1File().replace("\"allocIndex\":0", "\"allocIndex\":\"zero\"");

        assertThatThrownBy(() -> decode(TaskStateCodec.standard(), wrongPid))
                .isInstanceOf(UnreadableStateException.class)
                .hasMessageContaining("handle.data.pid must be a string");
        assertThatThrownBy(() -> decode(TaskStateCodec.standard(), wrongIndex))
                .isInstanceOf(UnreadableStateException.class)
                .hasMessageContaining("allocIndex must be a whole number");
    }

    @Test
    void aMissingFieldInsideARecordIsNamedWithItsPath() throws Exception {
        String noDriver = format1File().replace("\"handle\":{\"driver\":\"raw_exec\",", "\"handle\":{");

        assertThatThrownBy(() -> decode(TaskStateCodec.standard(), noDriver))
                .isInstanceOf(UnreadableStateException.class)
                .hasMessageContaining("handle.driver is missing");
    }

    @Test
    void truncatedEmptyAndNonObjectContentIsUnreadable() throws Exception {
        String file = format1File();

        assertThatThrownBy(() -> decode(TaskStateCodec.standard(), file.substring(0, file.length() / 2)))
                .isInstanceOf(UnreadableStateException.class)
                .hasMessageContaining("truncated or corrupt");
        assertThatThrownBy(() -> decode(TaskStateCodec.standard(), ""))
                .isInstanceOf(UnreadableStateException.class)
                .hasMessage("the file is empty");
        assertThatThrownBy(() -> decode(TaskStateCodec.standard(), "[1, 2]"))
                .isInstanceOf(UnreadableStateException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> decode(TaskStateCodec.standard(), file.replace("\"status\":\"RUNNING\",", "")))
                .isInstanceOf(UnreadableStateException.class)
                .hasMessageContaining("required fields");
    }

    @Test
    void theJobsIdentityIsKeptAndAFileWithoutOneHasNone() throws Exception {
        TaskStateCodec codec = TaskStateCodec.standard();
        PersistedTask original = decode(codec, format1File());
        assertThat(original.jobIdentity()).isNull(); // the runner then uses the defaults
        PersistedTask.JobIdentity identity = new PersistedTask.JobIdentity("team-a", "shop/dispatch-1", "shop");

        PersistedTask read = codec.decode(
                codec.encode(original.toBuilder().jobIdentity(identity).build()));

        assertThat(read.jobIdentity()).isEqualTo(identity);
    }

    @Test
    void configValuesKeepTheirJsonTypes() throws Exception {
        TaskStateCodec codec = TaskStateCodec.standard();
        PersistedTask original = decode(codec, format1File());
        Map<String, Object> config = new java.util.LinkedHashMap<>();
        config.put("big", new java.math.BigInteger("123456789012345678901234567890"));
        config.put("long", 5_000_000_000L);
        config.put("ratio", 0.25);
        config.put("flag", true);
        config.put("none", null);
        config.put("nested", List.of(Map.of("k", "v"), 3));
        Map<String, Object> spec = new java.util.LinkedHashMap<>(original.task());
        spec.put("config", config);
        PersistedTask withConfig = original.toBuilder().task(spec).build();

        PersistedTask read = codec.decode(codec.encode(withConfig));

        assertThat(read.task().get("config")).isEqualTo(config);
    }
}
