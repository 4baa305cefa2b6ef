package dev.taskdrivers.runner.internal.hcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HclEvaluatorTest {

    private static EvaluatedBody eval(String hcl) {
        return eval(hcl, Map.of());
    }

    private static EvaluatedBody eval(String hcl, Map<String, String> vars) {
        return HclEvaluator.evaluate("job.nomad", hcl, vars);
    }

    private static Object value(String expression) {
        return eval("v = " + expression + "\n").value("v");
    }

    private static HclParseException error(String hcl) {
        return catchThrowableOfType(HclParseException.class, () -> eval(hcl));
    }

    @Test
    void literalsBecomePlainJavaValues() {
        assertThat(value("42")).isEqualTo(42L);
        assertThat(value("1.5")).isEqualTo(1.5);
        assertThat(value("-3")).isEqualTo(-3L);
        assertThat(value("true")).isEqualTo(true);
        assertThat(value("null")).isNull();
        assertThat(value("[1, \"a\", [false]]")).isEqualTo(List.of(1L, "a", List.of(false)));
        assertThat(value("{ k = 1, \"k2\": \"v\" }")).isEqualTo(Map.of("k", 1L, "k2", "v"));
    }

    @Test
    void arithmeticComparisonLogicAndConditionals() {
        assertThat(value("1 + 2 * 3")).isEqualTo(7L);
        assertThat(value("(1 + 2) * 3")).isEqualTo(9L);
        assertThat(value("7 / 2")).isEqualTo(3.5);
        assertThat(value("7 % 4")).isEqualTo(3L);
        assertThat(value("0.1 + 0.2")).isEqualTo(0.3);
        assertThat(value("3 >= 3 && 2 < 1 || !false")).isEqualTo(true);
        assertThat(value("\"a\" == \"a\" ? \"yes\" : \"no\"")).isEqualTo("yes");
        assertThat(value("[1, 2] == [1, 2]")).isEqualTo(true);
        assertThat(value("1 == \"1\"")).isEqualTo(false);
        assertThat(value("\"5\" + 1")).isEqualTo(6L);
    }

    @Test
    void onlyTheChosenBranchOfAConditionalIsEvaluated() {
        assertThat(value("length([]) > 0 ? [][0] : \"default\"")).isEqualTo("default");
    }

    @Test
    void functionsJobsUse() {
        assertThat(value("upper(\"web\")")).isEqualTo("WEB");
        assertThat(value("lower(\"WEB\")")).isEqualTo("web");
        assertThat(value("format(\"%s-%d%%\", \"cpu\", 90)")).isEqualTo("cpu-90%");
        assertThat(value("join(\",\", [\"a\", \"b\"])")).isEqualTo("a,b");
        assertThat(value("split(\",\", \"a,b,\")")).isEqualTo(List.of("a", "b", ""));
        assertThat(value("concat([1], [2, 3])")).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(value("length(\"héllo\")")).isEqualTo(5L);
        assertThat(value("length({a = 1})")).isEqualTo(1L);
        assertThat(value("coalesce(null, \"\", \"x\")")).isEqualTo("x");
        assertThat(value("min(3, 1, 2)")).isEqualTo(1L);
        assertThat(value("max([3, 1, 2]...)")).isEqualTo(3L);
        assertThat(value("abs(-4.5)")).isEqualTo(4.5);
        assertThat(value("tostring(12)")).isEqualTo("12");
        assertThat(value("tonumber(\"12\")")).isEqualTo(12L);
    }

    @Test
    void fileAndUnknownFunctionsAreRefusedWithThePosition() {
        assertThat(error("v = file(\"x\")\n").getMessage())
                .startsWith(
                        "job.nomad:1:5: function file(...) is not supported: a job file is read without access to other files");
        assertThat(error("a = 1\nv = nope(1)\n").getMessage())
                .startsWith("job.nomad:2:5: unknown function \"nope\"; the supported functions are abs, coalesce,");
    }

    @Test
    void forExpressionsAndSplats() {
        // the spec's examples
        assertThat(value("[for v in [\"a\", \"b\"]: v]")).isEqualTo(List.of("a", "b"));
        assertThat(value("[for i, v in [\"a\", \"b\"]: i]")).isEqualTo(List.of(0L, 1L));
        assertThat(value("{for i, v in [\"a\", \"b\"]: v => i}")).isEqualTo(Map.of("a", 0L, "b", 1L));
        assertThat(value("{for i, v in [\"a\", \"a\", \"b\"]: v => i...}"))
                .isEqualTo(Map.of("a", List.of(0L, 1L), "b", List.of(2L)));
        assertThat(value("[for i, v in [\"a\", \"b\", \"c\"]: v if i < 2]")).isEqualTo(List.of("a", "b"));
        assertThat(error("v = {for i, v in [\"a\", \"a\", \"b\"]: v => i}\n").getMessage())
                .isEqualTo("job.nomad:1:35: the for expression produces the key \"a\" twice; add \"...\" after the"
                        + " value to group them");
        assertThat(value("[{n = 1}, {n = 2}][*].n")).isEqualTo(List.of(1L, 2L));
        assertThat(value("[{n = 1}, {n = 2}].*.n")).isEqualTo(List.of(1L, 2L));
    }

    @Test
    void variablesUseDefaultsUnlessTheCallerGivesValues() {
        String hcl = """
                variable "image" {
                  type        = string
                  default     = "redis:7"
                  description = "the image"
                }
                variable "count" {
                  type    = number
                  default = 1
                }
                variable "ports" {
                  type    = list(string)
                  default = ["http"]
                }
                job "j" {
                  image = var.image
                  count = var.count + 1
                  ports = var.ports
                  label = "${var.image}-${var.count}"
                }
                """;
        EvaluatedBody defaults = eval(hcl).blocks("job").get(0).body();
        assertThat(defaults.value("image")).isEqualTo("redis:7");
        assertThat(defaults.value("count")).isEqualTo(2L);
        assertThat(defaults.value("ports")).isEqualTo(List.of("http"));
        EvaluatedBody given = eval(hcl, Map.of("image", "nginx", "count", "3", "ports", "[\"a\", \"b\"]"))
                .blocks("job")
                .get(0)
                .body();
        assertThat(given.value("image")).isEqualTo("nginx");
        assertThat(given.value("count")).isEqualTo(4L);
        assertThat(given.value("ports")).isEqualTo(List.of("a", "b"));
        assertThat(given.value("label")).isEqualTo("nginx-3");
    }

    @Test
    void variablesBlockAndTopLevelDeclarationsAreNotInTheResult() {
        EvaluatedBody body = eval("variables {\n  region = \"eu\"\n}\nlocals {\n  r = var.region\n}\nx = local.r\n");
        assertThat(body.toTree()).isEqualTo(Map.of("x", "eu"));
    }

    @Test
    void aWrongTypeOrAMissingValueIsNamed() {
        String hcl = "variable \"count\" {\n  type = number\n}\nx = var.count\n";
        assertThat(error(hcl).getMessage())
                .isEqualTo("job.nomad:1:1: variable \"count\" has no value: give it a"
                        + " default, set it with -var count=... or in a -var-file");
        HclParseException wrong =
                catchThrowableOfType(HclParseException.class, () -> eval(hcl, Map.of("count", "many")));
        assertThat(wrong.getMessage())
                .isEqualTo("-var count:1:1: variable \"count\" must be a number, found the" + " string \"many\"");
        HclParseException undeclared =
                catchThrowableOfType(HclParseException.class, () -> eval("x = 1\n", Map.of("nope", "1")));
        assertThat(undeclared.getMessage()).contains("the file declares no variable \"nope\"");
    }

    @Test
    void anUnknownVariableIsAnErrorNamingFileLineAndColumn() {
        HclParseException e = error("job \"j\" {\n  image = var.imagee\n}\n");
        assertThat(e.getMessage())
                .isEqualTo("job.nomad:2:11: unknown variable var.imagee: no variable \"imagee\"" + " is declared");
        assertThat(error("x = foo\n").getMessage())
                .isEqualTo("job.nomad:1:5: unknown variable \"foo\"; input"
                        + " variables are read as var.foo and local values as local.foo");
    }

    @Test
    void localsMayReferToEachOtherInAnyOrderButNotInACycle() {
        EvaluatedBody body = eval("locals {\n  b = \"${local.a}-b\"\n  a = upper(\"a\")\n}\nx = local.b\n");
        assertThat(body.value("x")).isEqualTo("A-b");
        HclParseException cycle = error("locals {\n  a = local.b\n  b = local.a\n}\n");
        assertThat(cycle.problems().get(0).message()).isEqualTo("local.a refers to itself through local.a -> local.b");
    }

    @Test
    void validationBlocksCheckTheValue() {
        String hcl = """
                variable "count" {
                  default = 5
                  validation {
                    condition     = var.count < 3
                    error_message = "At most 3."
                  }
                }
                """;
        assertThat(error(hcl).getMessage())
                .isEqualTo("job.nomad:4:5: invalid value for variable \"count\": At most 3.");
    }

    @Test
    void runtimeValuesStayAsInterpolationText() {
        EvaluatedBody body = eval("""
                variable "dc" {
                  default = "dc1"
                }
                kernel = "${attr.kernel.name}"
                port   = "${NOMAD_PORT_http}"
                mixed  = "${var.dc}:${NOMAD_PORT_http}/${meta.k}"
                env    = "${env["X"]}"
                call   = "${upper(node.datacenter)}"
                bare   = node.unique.id
                list   = [var.dc, attr.cpu.arch]
                """);
        assertThat(body.value("kernel")).isEqualTo("${attr.kernel.name}");
        assertThat(body.value("port")).isEqualTo("${NOMAD_PORT_http}");
        assertThat(body.value("mixed")).isEqualTo("dc1:${NOMAD_PORT_http}/${meta.k}");
        assertThat(body.value("env")).isEqualTo("${env[\"X\"]}");
        assertThat(body.value("call")).isEqualTo("${upper(node.datacenter)}");
        assertThat(body.value("bare")).isEqualTo("${node.unique.id}");
        assertThat(body.value("list")).isEqualTo(List.of("dc1", "${attr.cpu.arch}"));
    }

    @Test
    void anExpressionMixingRuntimeAndVariablesIsRefused() {
        HclParseException e = error("variable \"p\" {\n  default = \"a\"\n}\nx = \"${var.p == attr.x}\"\n");
        assertThat(e.getMessage())
                .startsWith(
                        "job.nomad:4:8: ${var.p == attr.x} mixes attr, known only when the" + " task runs, with var");
    }

    @Test
    void theTreeListsBlocksByTypeWithLabelsAndBody() {
        Map<String, Object> tree = eval("""
                job "web" {
                  group "g" {
                    task "t" {
                      driver = "docker"
                      config {
                        image = "x"
                      }
                    }
                  }
                }
                """).toTree();
        Map<String, Object> config = Map.of("labels", List.of(), "body", Map.of("image", "x"));
        Map<String, Object> task =
                Map.of("labels", List.of("t"), "body", Map.of("driver", "docker", "config", List.of(config)));
        Map<String, Object> group = Map.of("labels", List.of("g"), "body", Map.of("task", List.of(task)));
        Map<String, Object> job = Map.of("labels", List.of("web"), "body", Map.of("group", List.of(group)));
        assertThat(tree).isEqualTo(Map.of("job", List.of(job)));
    }

    @Test
    void evaluatedNodesKeepTheirPositions() {
        EvaluatedBody body = eval("job \"web\" {\n  type = \"batch\"\n}\n");
        EvaluatedBody.Block job = body.blocks("job").get(0);
        assertThat(job.position()).hasToString("job.nomad:1:1");
        assertThat(job.body().attributes().get("type").position()).hasToString("job.nomad:2:3");
    }

    @Test
    void evaluationErrorsAreAllReported() {
        HclParseException e = error("a = 1 / 0\nb = [1][5]\nc = \"x\" - 1\nd = {} \nd2 = d.x\n");
        assertThat(e.problems())
                .extracting(HclProblem::toString)
                .containsExactly(
                        "job.nomad:1:5: division by zero in 1 / 0",
                        "job.nomad:2:9: index 5 is outside the list of 1 elements",
                        "job.nomad:3:5: the left of \"-\" must be a number, found the string \"x\"",
                        "job.nomad:5:6: unknown variable \"d\"; input variables are read as var.d and local values as local.d");
    }

    @Test
    void anAttributeAndABlockWithTheSameNameClash() {
        assertThat(error("config = 1\nconfig {\n}\n").getMessage())
                .isEqualTo("job.nomad:2:1: \"config\" is both an attribute (at 1:1) and a block in the same body");
    }

    @Test
    void variableTypesFromTheDocumentationConvertGivenValues() {
        String hcl = """
                variable "docker_ports" {
                  type = list(object({
                    internal = number
                    external = number
                    protocol = string
                  }))
                  default = [
                    {
                      internal = 8300
                      external = 8300
                      protocol = "tcp"
                    }
                  ]
                }
                variable "labels" {
                  type = map(string)
                }
                ports  = var.docker_ports
                labels = var.labels
                """;
        EvaluatedBody body = eval(hcl, Map.of("labels", "{ team = \"web\", tier = 1 }"));
        assertThat(body.value("ports"))
                .isEqualTo(List.of(Map.of("internal", 8300L, "external", 8300L, "protocol", "tcp")));
        assertThat(body.value("labels")).isEqualTo(Map.of("team", "web", "tier", "1"));
        HclParseException missing = catchThrowableOfType(
                HclParseException.class, () -> eval(hcl, Map.of("labels", "{}", "docker_ports", "[{ internal = 1 }]")));
        assertThat(missing.getMessage())
                .isEqualTo("-var docker_ports:1:1: variable \"docker_ports\"[0] needs the" + " attribute \"external\"");
    }

    @Test
    void aDirectiveCannotDependOnARuntimeValue() {
        assertThat(error("x = \"%{ if attr.os == \"linux\" }l%{ endif }\"\n").getMessage())
                .startsWith("job.nomad:1:12: %{ if } cannot depend on attr, which is known only when the task runs");
    }

    @Test
    void valuesThatGrowExponentiallyAreRefusedNotExpanded() {
        StringBuilder hcl = new StringBuilder("locals {\n  l0 = \"ab\"\n  t0 = [1, 2]\n");
        for (int i = 1; i <= 40; i++) {
            hcl.append("  l")
                    .append(i)
                    .append(" = \"${local.l")
                    .append(i - 1)
                    .append("}${local.l")
                    .append(i - 1)
                    .append("}\"\n");
            hcl.append("  t")
                    .append(i)
                    .append(" = [local.t")
                    .append(i - 1)
                    .append(", local.t")
                    .append(i - 1)
                    .append("]\n");
        }
        hcl.append("}\nx = local.t40\n");
        HclParseException e = error(hcl.toString());
        assertThat(e.problems())
                .extracting(HclProblem::message)
                .anyMatch(m -> m.startsWith("the string is longer than"))
                .anyMatch(m -> m.startsWith("the value has more than 1000000 elements"));
    }

    @Test
    void anUnknownNameNextToARuntimeValueIsStillUnknown() {
        assertThat(error("x = \"${attr.a == foo}\"\n").getMessage())
                .isEqualTo("job.nomad:1:18: unknown variable"
                        + " \"foo\"; input variables are read as var.foo and local values as local.foo");
    }

    @Test
    void conditionalsChooseNowBetweenBranchesThatMayBeRuntimeValues() {
        assertThat(value("1 < 2 ? \"${NOMAD_PORT_http}\" : \"x\"")).isEqualTo("${NOMAD_PORT_http}");
        assertThat(value("attr.os == \"linux\" ? 1 : 2")).isEqualTo("${attr.os == \"linux\" ? 1 : 2}");
    }

    @Test
    void forVariablesAndRuntimeValuesGoInSeparateInterpolations() {
        assertThat(value("[for p in [\"a\"]: \"${p}-${NOMAD_PORT_http}\"]")).isEqualTo(List.of("a-${NOMAD_PORT_http}"));
        assertThat(error("x = [for p in [\"a\"]: \"${p == meta.k}\"]\n").getMessage())
                .startsWith("job.nomad:1:25: ${p == meta.k} mixes meta, known only when the task runs, with p");
    }

    @Test
    void dynamicBlocksAreRefused() {
        assertThat(error("job \"j\" {\n  dynamic \"group\" {\n    for_each = [1]\n  }\n}\n")
                        .getMessage())
                .isEqualTo("job.nomad:2:3: dynamic blocks are not supported; write the blocks out");
    }
}
