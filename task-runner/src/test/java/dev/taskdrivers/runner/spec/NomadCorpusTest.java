package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.NodeInfo;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.services.ServiceProvider;
import dev.taskdrivers.services.ServiceSpec;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every job file of the corpus of public Nomad jobs (src/test/resources/nomad-corpus, origins in its CORPUS.md) is
 * read and validated the way {@code taskdrivers validate} does, with the drivers on the class path: it is valid,
 * and its warnings are only about what steers a cluster scheduler. What this node lacks for a file (KVM, an
 * operator's program, a node attribute or volume) is a problem of this node, listed in {@link #NODE_GAPS} or
 * {@link #NODE_NEEDS}: a warning when the job is validated, a refusal when it is run here.
 */
class NomadCorpusTest {

    /** The last path segment of a warning: each steers a cluster scheduler or Nomad's servers, not a task. */
    static final Set<String> SCHEDULER_LEVEL = Set.of(
            "constraint",
            "affinity",
            "spread",
            "update",
            "migrate",
            "reschedule",
            "periodic",
            "parameterized",
            "datacenters",
            "ephemeral_disk",
            "identity",
            "vault",
            "consul",
            "ui",
            "canary_tags",
            "mbits",
            "disk",
            "on_update",
            "type");

    /**
     * What this machine lacks for a file: each of this node's problems with it names one of these fields (a
     * substring); on a machine that has {@code validatesWhere} it has none.
     */
    record Gap(String reason, List<String> fields, String validatesWhere) {
        static Gap onThisMachine(String reason, String validatesWhere, String... fields) {
            return new Gap(reason, List.of(fields), validatesWhere);
        }
    }

    static final Map<String, Gap> NODE_GAPS = Map.ofEntries(
            Map.entry(
                    "qemu-tc-ssh.nomad",
                    Gap.onThisMachine(
                            "it asks for KVM, which does not boot a guest on this machine",
                            "KVM that boots qemu guests",
                            "config.accelerator")),
            Map.entry(
                    "guides-tomcat.nomad",
                    Gap.onThisMachine(
                            "its raw_exec command is an operator's script, /usr/local/bin/starttomcat.sh, not installed"
                                    + " on this machine",
                            "an executable /usr/local/bin/starttomcat.sh",
                            "config.command")));

    /**
     * What a file asks of its node that a node says about itself only when its embedder gives it ({@link NodeInfo}):
     * the file validates on such a node, and on a node without it is refused at {@code fields} only, each problem
     * saying {@code says}.
     */
    record NodeNeed(NodeInfo node, String reason, List<String> fields, String says) {}

    static final Map<String, NodeNeed> NODE_NEEDS = Map.of(
            "demo-csi-hostpath-redis.nomad",
            new NodeNeed(
                    NodeInfo.builder()
                            .csiVolume("test-volume[0]", Path.of("/var/lib/csi/publish/test-volume-0"), false)
                            .csiVolume("test-volume[1]", Path.of("/var/lib/csi/publish/test-volume-1"), false)
                            .build(),
                    "its group mounts a per-allocation CSI volume (count 2: test-volume[0] and [1]), which the"
                            + " embedding scheduler's plugin publishes on the node (NodeInfo.csiVolume)",
                    List.of("volumes.volume0.source"),
                    "the node has no csi volume"),
            "tutorial-sd-hashicups.hcl",
            new NodeNeed(
                    NodeInfo.builder()
                            .attribute("unique.platform.aws.public-ipv4", "203.0.113.7")
                            .attribute("unique.platform.aws.public-hostname", "ec2-203-0-113-7.compute-1.amazonaws.com")
                            .build(),
                    "its services advertise the AWS platform attributes of a node on EC2 (attr.unique.platform.aws.*)",
                    List.of("].address"),
                    "attr.unique.platform.aws"));

    @TempDir
    static Path scratch;

    static DriverRegistry drivers;

    @BeforeAll
    static void drivers() {
        drivers = DriverRegistry.load(NomadCorpusTest.class.getClassLoader(), scratch, Map.of());
    }

    @AfterAll
    static void closeDrivers() {
        drivers.close();
    }

    static Path corpus() {
        try {
            return Path.of(NomadCorpusTest.class.getResource("/nomad-corpus").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> jobFiles() throws IOException {
        try (Stream<Path> files = Files.list(corpus())) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(".md") && !n.endsWith(".json"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    /** The hand-made API JSON versions of corpus files, each named after its job file plus {@code .json}. */
    static Stream<String> apiJsonFiles() throws IOException {
        try (Stream<Path> files = Files.list(corpus())) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    static String read(String name) throws IOException {
        return Files.readString(corpus().resolve(name));
    }

    /** Reads and validates for running here; warnings go to {@code warnings}. */
    static JobSpec validate(String text, List<ValidationProblem> warnings) {
        return validate(text, warnings, NodeInfo.defaults());
    }

    /** Reads and validates for running on a node that says {@code node} about itself. */
    static JobSpec validate(String text, List<ValidationProblem> warnings, NodeInfo node) {
        return new JobValidator(drivers, null, JobValidator.DEFAULT_HOST_IP, node)
                .parseAndValidate(new SpecParser(), text, warnings::add);
    }

    /**
     * Reads and validates the job like {@code taskdrivers validate} on a node that says {@code node} about itself:
     * what this node lacks goes to {@code nodeProblems}.
     */
    static JobSpec validateJob(
            String text, List<ValidationProblem> warnings, NodeInfo node, List<ValidationProblem> nodeProblems) {
        return new JobValidator(drivers, null, JobValidator.DEFAULT_HOST_IP, node)
                .parseAndValidate(new SpecParser(), text, warnings::add, nodeProblems::add);
    }

    /** The node a file asks for: the one of its {@link #NODE_NEEDS} entry, else what the runner finds itself. */
    static NodeInfo nodeFor(String name) {
        NodeNeed need = NODE_NEEDS.get(name);
        return need == null ? NodeInfo.defaults() : need.node();
    }

    /** Nomad's own behaviour, told as a warning: a writable mount of a read-only volume is mounted read-only. */
    static boolean madeReadOnly(ValidationProblem warning) {
        return warning.field().endsWith(".read_only") && warning.problem().endsWith("mounted read-only, as Nomad does");
    }

    @Test
    void theCorpusHoldsAtLeastFortyJobFilesEachWithItsOrigin() throws IOException {
        List<String> names = jobFiles().toList();
        String origins = read("CORPUS.md");

        assertThat(names).hasSizeGreaterThanOrEqualTo(40);
        assertThat(names)
                .allSatisfy(n -> assertThat(origins).as("CORPUS.md names " + n).contains("`" + n + "`"));
        assertThat(NODE_GAPS.keySet()).as("gaps name corpus files").isSubsetOf(names);
        assertThat(NODE_NEEDS.keySet()).as("node needs name corpus files").isSubsetOf(names);
    }

    static Stream<String> filesWithNodeNeeds() {
        return NODE_NEEDS.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("filesWithNodeNeeds")
    void aFileOnANodeWithoutWhatItAsksForIsValidWithThoseProblemsOfTheNodeAndRefusedForRunningThere(String name)
            throws IOException {
        NodeNeed need = NODE_NEEDS.get(name);
        List<ValidationProblem> nodeProblems = new ArrayList<>();

        validateJob(read(name), new ArrayList<>(), NodeInfo.defaults(), nodeProblems);
        ValidationException refused = catchThrowableOfType(
                ValidationException.class, () -> validate(read(name), new ArrayList<>(), NodeInfo.defaults()));

        assertThat(nodeProblems)
                .as("%s on a node without what it asks for (%s)", name, need.reason())
                .isNotEmpty()
                .allSatisfy(
                        p -> assertThat(need.fields()).anyMatch(f -> p.field().contains(f)))
                .allSatisfy(p -> assertThat(p.problem()).contains(need.says()));
        assertThat(refused).as("run there refuses it").isNotNull();
        assertThat(refused.problems()).containsExactlyElementsOf(nodeProblems);
    }

    @ParameterizedTest
    @MethodSource("jobFiles")
    void eachFileIsValidWithWarningsOnlyForSchedulerSettings(String name) throws IOException {
        List<ValidationProblem> warnings = new ArrayList<>();
        List<ValidationProblem> nodeProblems = new ArrayList<>();
        ValidationException refused = catchThrowableOfType(
                ValidationException.class, () -> validateJob(read(name), warnings, nodeFor(name), nodeProblems));

        assertThat(refused)
                .as("%s is refused: %s", name, refused == null ? "" : refused.problems())
                .isNull();
        Gap gap = NODE_GAPS.get(name);
        assertThat(nodeProblems)
                .as("%s: this node's problems are those of its known gap (%s)", name, gap == null ? "none" : gap)
                .allSatisfy(p -> assertThat(gap == null ? List.<String>of() : gap.fields())
                        .anyMatch(f -> p.field().contains(f)));
        assertThat(warnings)
                .as("%s: warnings only for scheduler settings", name)
                .allSatisfy(w -> assertThat(SCHEDULER_LEVEL.contains(lastSegment(w.field())) || madeReadOnly(w))
                        .as("%s", w)
                        .isTrue());
    }

    static Stream<String> filesWithNodeGaps() {
        return NODE_GAPS.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("filesWithNodeGaps")
    void aFileThisMachineLacksSomethingForIsRefusedForRunningHereAtThoseFieldsOnly(String name) throws IOException {
        Gap gap = NODE_GAPS.get(name);
        List<ValidationProblem> nodeProblems = new ArrayList<>();
        validateJob(read(name), new ArrayList<>(), NodeInfo.defaults(), nodeProblems);

        ValidationException refused = catchThrowableOfType(
                ValidationException.class, () -> validate(read(name), new ArrayList<>(), NodeInfo.defaults()));

        if (nodeProblems.isEmpty()) {
            assertThat(refused)
                    .as("%s runs on a machine with %s", name, gap.validatesWhere())
                    .isNull();
        } else {
            assertThat(refused).as("%s without %s", name, gap.validatesWhere()).isNotNull();
            assertThat(refused.problems())
                    .containsExactlyElementsOf(nodeProblems)
                    .allSatisfy(p ->
                            assertThat(gap.fields()).anyMatch(f -> p.field().contains(f)));
        }
    }

    @ParameterizedTest
    @MethodSource("apiJsonFiles")
    void theApiJsonOfACorpusFileGivesTheSameJob(String json) throws IOException {
        String jobFile = json.substring(0, json.length() - ".json".length());

        JobSpec fromJson = validate(read(json), new ArrayList<>());

        assertThat(fromJson).isEqualTo(validate(read(jobFile), new ArrayList<>()));
    }

    @Test
    void theCsiDemoMountsThePerAllocVolumeTheNodeHasAndIsRefusedOnANodeWithout() throws IOException {
        List<ValidationProblem> warnings = new ArrayList<>();
        JobSpec job =
                validate(read("demo-csi-hostpath-redis.nomad"), warnings, nodeFor("demo-csi-hostpath-redis.nomad"));

        GroupSpec cache = job.groups().get(0);
        assertThat(cache.volumes().get("volume0"))
                .isEqualTo(VolumeSpec.csi("test-volume")
                        .attachmentMode("file-system")
                        .accessMode("single-node-reader-only")
                        .readOnly(true)
                        .perAlloc(true)
                        .build());
        assertThat(cache.tasks().get(0).volumeMounts())
                .containsExactly(VolumeMountSpec.builder("volume0", "${NOMAD_ALLOC_DIR}/volume0")
                        .build());
        assertThat(warnings.stream().map(ValidationProblem::toString))
                .contains("job.groups[0].tasks[0].volume_mounts[0].read_only: volume \"volume0\" is read-only (the"
                        + " group's volume block says read_only): mounted read-only, as Nomad does");

        ValidationException refused = catchThrowableOfType(
                ValidationException.class,
                () -> validate(read("demo-csi-hostpath-redis.nomad"), new ArrayList<>(), NodeInfo.defaults()));
        assertThat(refused.problems().stream().map(ValidationProblem::toString))
                .containsExactly("job.groups[0].volumes.volume0.source: the node has no csi volume"
                        + " \"test-volume[0]\", \"test-volume[1]\"; its csi volumes: none (the runner's"
                        + " NodeInfo.csiVolume, the command line's --csi-volume)");
    }

    @Test
    void aGroupServiceOfTheJobNomadInitWroteGoesToItsTaskWithThePort() throws IOException {
        List<ValidationProblem> warnings = new ArrayList<>();
        JobSpec job = validate(read("job-init-example.nomad.hcl"), warnings);

        TaskSpec redis = job.groups().get(0).tasks().get(0);
        ServiceSpec cache = redis.services().get(0);
        assertThat(cache.name()).isEqualTo("redis-cache");
        assertThat(cache.portLabel()).isEqualTo("db");
        assertThat(cache.tags()).containsExactly("global", "cache");
        assertThat(redis.ports()).containsExactly(PortSpec.dynamic("db").inGroupNetwork());
        assertThat(redis.config()).containsEntry("port_map", Map.of("db", 6379L));
        assertThat(cache.provider()).isEqualTo(ServiceProvider.NOMAD);
        assertThat(warnings)
                .extracting(ValidationProblem::field)
                .as("provider is mapped, not left to a scheduler")
                .doesNotContain("job.example.group.cache.service.provider")
                .as("its ephemeral_disk is Nomad's default, 300 MB")
                .doesNotContain("job.example.group.cache.ephemeral_disk");
    }

    @Test
    void aGroupServiceWhoseChecksNameATaskGoesToThatTaskUnderTheGroupsName() throws IOException {
        JobSpec job = validate(read("consul-on-update.nomad"), new ArrayList<>());

        ServiceSpec service = job.groups().get(0).tasks().get(0).services().get(0);
        assertThat(service.name()).isEqualTo("on-update-service");
        assertThat(service.checks()).hasSize(2);
        assertThat(job.groups().get(0).tasks().get(0).name()).isEqualTo("server");
    }

    @Test
    void systemJobsRunAsServiceJobsWithAWarning() throws IOException {
        List<ValidationProblem> warnings = new ArrayList<>();
        JobSpec job = validate(read("system-job.nomad"), warnings);

        assertThat(job.type()).isEqualTo(JobType.SERVICE);
        assertThat(warnings)
                .filteredOn(w -> w.field().equals("job.system_job.type"))
                .singleElement()
                .extracting(ValidationProblem::problem)
                .asString()
                .contains("runs as a service job");
    }

    @Test
    void aResourcesDiskIsAWarningAndADockerMountWrittenOnceIsAList() {
        String text = """
                job "j" {
                  group "g" {
                    task "t" {
                      driver = "docker"
                      config {
                        image = "busybox:1"
                        mount {
                          type   = "tmpfs"
                          target = "/scratch"
                        }
                      }
                      resources {
                        disk = 64
                      }
                    }
                  }
                }
                """;
        SpecParser parser = new SpecParser();

        assertThat(parser.parse(text).groups().get(0).tasks().get(0).config().get("mount"))
                .isEqualTo(List.of(Map.of("type", "tmpfs", "target", "/scratch")));
        assertThat(parser.read(text).warnings())
                .extracting(ValidationProblem::field)
                .containsExactly("job.j.group.g.task.t.resources.disk");
    }

    @Test
    void aPortMappedToMinusOneIsNoMappingForADriverOtherThanDocker() throws IOException {
        List<ValidationProblem> problems =
                new SpecParser().read(read("qemu-tc-ssh.nomad")).problems();
        TaskSpec t1 = new SpecParser()
                .parse(read("qemu-tc-ssh.nomad"))
                .groups()
                .get(0)
                .tasks()
                .get(0);

        assertThat(problems).isEmpty();
        assertThat(t1.ports())
                .containsExactly(
                        PortSpec.dynamic("http").inGroupNetwork(),
                        PortSpec.dynamic("ssh").inGroupNetwork());
        assertThat(t1.services().get(0).name()).isEqualTo("j1-g1");
    }

    @Test
    void aPortWrittenAsTextIsTheNumberAndACheckOnUpdateIsAWarning() throws IOException {
        SpecParser parser = new SpecParser();
        String tomcat = read("guides-tomcat.nomad");
        String onUpdate = read("consul-on-update.nomad");

        assertThat(parser.parse(tomcat).groups().get(0).tasks().get(0).ports())
                .containsExactly(PortSpec.fixed("http", 8080));
        assertThat(parser.read(onUpdate).warnings())
                .extracting(ValidationProblem::field)
                .contains("job.test.group.test.service.check.on_update");
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
