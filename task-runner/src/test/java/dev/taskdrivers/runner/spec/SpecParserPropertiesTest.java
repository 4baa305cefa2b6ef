package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Whatever it is given, the parser answers with a job or with a {@link ValidationException} whose problems all name
 * a path, and a job it accepts is accepted by the check a job built in code goes through.
 */
class SpecParserPropertiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of(
            "job",
            "name",
            "type",
            "groups",
            "tasks",
            "driver",
            "config",
            "resources",
            "cpu",
            "memory_mb",
            "ports",
            "static",
            "services",
            "checks",
            "restart",
            "attempts",
            "interval",
            "delay",
            "mode",
            "jitter",
            "leader",
            "env",
            "meta",
            "user",
            "kill_timeout",
            "kill_signal",
            "port",
            "path",
            "timeout",
            "command",
            "args",
            "header",
            "count",
            "datacenter",
            "region",
            "tags",
            "address_mode",
            "protocol",
            "method",
            "initial_status",
            "grpc_service",
            "tls_skip_verify",
            "colour",
            "http",
            "a.b",
            "x[0]",
            "");
    private static final List<Object> WORDS = List.of(
            "batch",
            "service",
            "raw_exec",
            "fake",
            "http",
            "tcp",
            "script",
            "grpc",
            "delay",
            "fail",
            "host",
            "driver",
            "auto",
            "1s",
            "0s",
            "-1s",
            "250ms",
            "1h2m",
            "SIGTERM",
            "TERM",
            "alloc",
            "a",
            "",
            " ",
            "bad name",
            "/health",
            "passing",
            "https",
            "ftp");

    private static Path scratch;
    private static DriverRegistry drivers;
    private final SpecParser parser = new SpecParser();

    @BeforeContainer
    static void drivers() throws IOException {
        scratch = Files.createTempDirectory("spec-properties");
        drivers = DriverRegistry.of(
                List.of(new FakeDriverFactory(new FakeDriver()), new RawExecDriverFactory()), scratch, Map.of());
    }

    @AfterContainer
    static void close() throws IOException {
        drivers.close();
        try (var walk = Files.walk(scratch)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 400)
    void anyStringGivesAJobOrProblemsWithPaths(@ForAll String text) {
        parsesOrNamesPaths(text);
    }

    @Property(tries = 600)
    void anyJsonTreeUnderJobGivesAJobOrProblemsWithPaths(@ForAll("trees") Object tree) throws Exception {
        parsesOrNamesPaths(JSON.writeValueAsString(java.util.Collections.singletonMap("job", tree)));
    }

    @Property(tries = 600)
    void anyMutationOfTheDemoGivesAJobOrProblemsWithPaths(@ForAll("mutatedDemos") String json) {
        parsesOrNamesPaths(json);
    }

    @Property(tries = 600)
    @StatisticsReport(onFailureOnly = true)
    void aSpecTheParserAcceptsIsAcceptedWhenSubmittedAndWhenReadBackFromState(@ForAll("mutatedDemos") String json) {
        JobSpec job;
        try {
            job = parser.parse(json);
            Statistics.collect("accepted");
        } catch (ValidationException e) {
            Statistics.collect("refused");
            job = null;
        }
        // so this property does not pass by refusing nearly everything
        Statistics.coverage(c -> c.check("accepted").percentage(p -> p >= 10));
        if (job == null) {
            return;
        }
        // a job built in code with the same content can be refused only by its drivers
        assertThat(new JobValidator(drivers).problems(job))
                .extracting(ValidationProblem::field)
                .allSatisfy(f -> assertThat(f).matches("job\\.groups\\[\\d+]\\.tasks\\[\\d+]\\.(config|driver).*"));
        // and what the runner persists of each task is read back, on recovery, to the same task without problems
        for (GroupSpec group : job.groups()) {
            for (TaskSpec task : group.tasks()) {
                List<ValidationProblem> problems = new ArrayList<>();
                assertThat(parser.task(SpecWriter.task(task), "task", problems)).isEqualTo(task);
                assertThat(problems).isEmpty();
            }
        }
    }

    private void parsesOrNamesPaths(String text) {
        try {
            assertThat(parser.parse(text)).isNotNull();
        } catch (ValidationException e) {
            assertThat(e.problems())
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(p.field()).isNotBlank());
        }
        try {
            assertThat(new JobValidator(drivers).parseAndValidate(parser, text)).isNotNull();
        } catch (ValidationException e) {
            assertThat(e.problems())
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(p.field()).isNotBlank());
        }
    }

    @Provide
    Arbitrary<Object> trees() {
        return tree(4);
    }

    private Arbitrary<Object> tree(int depth) {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.of(WORDS),
                Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(BigInteger.TWO.pow(70), BigInteger.valueOf(Long.MIN_VALUE), 0, -1, 65536, 1.5)
                        .map(n -> (Object) n),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(null));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Object> child = Arbitraries.lazy(() -> tree(depth - 1));
        Arbitrary<Object> map =
                Arbitraries.maps(Arbitraries.of(KEYS), child).ofMaxSize(6).map(m -> (Object) m);
        Arbitrary<Object> list = child.list().ofMaxSize(3).map(l -> (Object) l);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, leaf), net.jqwik.api.Tuple.of(5, map), net.jqwik.api.Tuple.of(2, list));
    }

    @Provide
    Arbitrary<String> mutatedDemos() {
        return Arbitraries.longs()
                .flatMap(seed -> Arbitraries.integers()
                        .between(0, 4)
                        .flatMap(count -> tree(1).list().ofSize(count).map(values -> mutate(seed, values))));
    }

    /** The demo spec with some of its values replaced, removed, duplicated or joined by unknown fields. */
    private static String mutate(long seed, List<Object> values) {
        Random random = new Random(seed);
        Object demo = demo();
        for (Object value : values) {
            mutateOne(demo, value, random);
        }
        try {
            return JSON.writeValueAsString(demo);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void mutateOne(Object root, Object value, Random random) {
        List<Object> containers = new ArrayList<>();
        collect(root, containers);
        Object target = containers.get(random.nextInt(containers.size()));
        if (target instanceof Map<?, ?> m) {
            Map<String, Object> map = (Map<String, Object>) m;
            List<String> keys = new ArrayList<>(map.keySet());
            int action = random.nextInt(4);
            if (keys.isEmpty() || action == 0) {
                map.put(KEYS.get(random.nextInt(KEYS.size())), value);
            } else if (action == 1) {
                map.remove(keys.get(random.nextInt(keys.size())));
            } else {
                map.put(keys.get(random.nextInt(keys.size())), value);
            }
        } else {
            List<Object> list = (List<Object>) target;
            if (list.isEmpty() || random.nextBoolean()) {
                list.add(value);
            } else {
                int i = random.nextInt(list.size());
                list.add(random.nextBoolean() ? value : deepCopy(list.get(i)));
            }
        }
    }

    private static void collect(Object node, List<Object> containers) {
        if (node instanceof Map<?, ?> m) {
            containers.add(node);
            m.values().forEach(v -> collect(v, containers));
        } else if (node instanceof List<?> l) {
            containers.add(node);
            l.forEach(v -> collect(v, containers));
        }
    }

    private static Object deepCopy(Object node) {
        try {
            return JSON.readValue(JSON.writeValueAsString(node), Object.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object demo() {
        try {
            Path file = Path.of("..", "examples", "demo.json");
            Map<?, ?> tree = JSON.readValue(Files.readString(file), LinkedHashMap.class);
            return tree;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
