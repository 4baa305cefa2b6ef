package dev.taskdrivers.runner.internal.interpolation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.interpolation.Interpolator.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InterpolatorTest {

    private final List<ValidationProblem> problems = new ArrayList<>();
    private final Interpolator in = new Interpolator(new Variables(
            Map.of("NOMAD_PORT_http", "8080", "NOMAD_TASK_DIR", "/local", "GREETING", "hi"),
            name -> Optional.ofNullable(Map.of(
                            "attr.kernel.name", "linux",
                            "node.unique.name", "node-1",
                            "meta.rack", "r7")
                    .get(name))));

    private String strict(String text) {
        return in.text(text, "config.args[0]", Mode.STRICT, problems);
    }

    @Test
    void replacesEachKnownForm() {
        assertThat(strict("--port=${NOMAD_PORT_http} ${attr.kernel.name}/${node.unique.name}/${meta.rack}"))
                .isEqualTo("--port=8080 linux/node-1/r7");
        assertThat(strict("${env[\"GREETING\"]} from ${env[\"NOMAD_TASK_DIR\"]}"))
                .isEqualTo("hi from /local");
        assertThat(problems).isEmpty();
    }

    @Test
    void aNodeAttributeOrMetaKeyThisNodeLacksIsTheNodesProblemWhenThoseAreKeptApart() {
        List<ValidationProblem> nodeProblems = new ArrayList<>();
        Interpolator apart = new Interpolator(
                new Variables(Map.of("NOMAD_PORT_http", "8080"), name -> Optional.empty()), nodeProblems);

        String out = apart.text(
                "${attr.platform.aws.zone} ${meta.rack} ${node.nope} ${NOMAD_PORT_db}",
                "services[0].address",
                Mode.STRICT,
                problems);

        assertThat(out).isEqualTo("${attr.platform.aws.zone} ${meta.rack} ${node.nope} ${NOMAD_PORT_db}");
        assertThat(nodeProblems)
                .extracting(ValidationProblem::problem)
                .allSatisfy(p -> assertThat(p).startsWith("unknown variable "))
                .map(p -> p.substring("unknown variable ".length(), p.indexOf('}') + 1))
                .containsExactly("${attr.platform.aws.zone}", "${meta.rack}");
        assertThat(problems)
                .as("node.* has a fixed set of names: an unknown one is the text's problem, as is a port it lacks")
                .extracting(ValidationProblem::problem)
                .map(p -> p.substring("unknown variable ".length(), p.indexOf('}') + 1))
                .containsExactly("${node.nope}", "${NOMAD_PORT_db}");
        apart.text("${attr.nope}", "config.args[0]", Mode.LENIENT, problems);
        assertThat(nodeProblems).as("lenient text reports nothing").hasSize(2);
    }

    @Test
    void leavesTextThatIsNotANomadVariable() {
        assertThat(strict("echo ${HOME} ${1} ${GREETING} $NOMAD_PORT_http ${"))
                .isEqualTo("echo ${HOME} ${1} ${GREETING} $NOMAD_PORT_http ${");
        assertThat(problems).isEmpty();
    }

    @Test
    void doubleDollarIsALiteral() {
        assertThat(strict("$${NOMAD_PORT_http} costs $$5 and ${NOMAD_PORT_http}"))
                .isEqualTo("${NOMAD_PORT_http} costs $$5 and 8080");
        assertThat(problems).isEmpty();
    }

    @Test
    void unknownVariableIsAProblemNamingPathAndKnownPorts() {
        assertThat(strict("${NOMAD_PORT_htp}")).isEqualTo("${NOMAD_PORT_htp}");
        strict("${attr.nope} ${meta.missing} ${env[\"NOPE\"]}");
        assertThat(problems)
                .extracting(ValidationProblem::toString)
                .containsExactly(
                        "config.args[0]: unknown variable ${NOMAD_PORT_htp} (the task's NOMAD_PORT_* variables:"
                                + " NOMAD_PORT_http)",
                        "config.args[0]: unknown variable ${attr.nope} (the node has no such attribute; its embedder adds one with"
                                + " NodeInfo.attribute, the command line with --node-attr)",
                        "config.args[0]: unknown variable ${meta.missing} (the node's meta has no such key; job"
                                + " meta is ${NOMAD_META_KEY})",
                        "config.args[0]: unknown variable ${env[\"NOPE\"]} (not in the task's environment)");
    }

    @Test
    void anExpressionOverNodeValuesIsAProblem() {
        strict("${attr.kernel.name == \"linux\" ? \"a\" : \"b\"}");
        assertThat(problems)
                .singleElement()
                .satisfies(p -> assertThat(p.problem())
                        .startsWith("${attr.kernel.name == \"linux\" ? \"a\" : \"b\"} cannot be interpolated"));
    }

    @Test
    void lenientModeKeepsUnknownVariablesWithoutProblems() {
        assertThat(in.text("${NOMAD_NOPE}-${NOMAD_PORT_http}", "env.X", Mode.LENIENT, problems))
                .isEqualTo("${NOMAD_NOPE}-8080");
        assertThat(problems).isEmpty();
    }

    @Test
    void treesAreInterpolatedWithThePathOfEachValue() {
        Object out = in.tree(
                Map.of("args", List.of("-p", "${NOMAD_PORT_x}"), "labels", Map.of("k", "${node.unique.name}"), "n", 3),
                "config",
                Mode.STRICT,
                problems);
        assertThat(out)
                .isEqualTo(Map.of("args", List.of("-p", "${NOMAD_PORT_x}"), "labels", Map.of("k", "node-1"), "n", 3));
        assertThat(problems).extracting(ValidationProblem::field).containsExactly("config.args[1]");
    }
}
