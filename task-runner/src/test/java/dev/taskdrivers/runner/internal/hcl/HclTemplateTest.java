package dev.taskdrivers.runner.internal.hcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HclTemplateTest {

    private static Object value(String hcl) {
        return HclEvaluator.evaluate("t.hcl", hcl, Map.of()).value("v");
    }

    private static Expr.Template template(String text) {
        return (Expr.Template) HclParser.parseExpression("t.hcl", text);
    }

    @Test
    void escapesInQuotedStrings() {
        assertThat(value("v = \"a\\n\\t\\\"q\\\" \\\\ \\u00e9 \\U0001F600\"\n")).isEqualTo("a\n\t\"q\" \\ é 😀");
    }

    @Test
    void invalidEscapeNamesThePlace() {
        HclParseException e = catchThrowableOfType(HclParseException.class, () -> value("v = \"ab\\qc\"\n"));
        assertThat(e.getMessage()).startsWith("t.hcl:1:8: invalid escape sequence \"\\q\"");
    }

    @Test
    void interpolationsAreKeptAsPartsWithTheirExpressions() {
        Expr.Template t = template("\"http://${NOMAD_ADDR_http}/x ${upper(var.a)}\"");
        assertThat(t.parts()).hasSize(4);
        assertThat(((TemplatePart.Text) t.parts().get(0)).text()).isEqualTo("http://");
        TemplatePart.Interpolation port = (TemplatePart.Interpolation) t.parts().get(1);
        assertThat(port.expression().source()).isEqualTo("NOMAD_ADDR_http");
        assertThat(port.position()).hasToString("t.hcl:1:9");
        TemplatePart.Interpolation call = (TemplatePart.Interpolation) t.parts().get(3);
        assertThat(call.expression()).isInstanceOf(Expr.FunctionCall.class);
    }

    @Test
    void doubledDollarAndPercentEscapeTheSequences() {
        assertThat(value("v = \"$${a} %%{b} $x %d\"\n")).isEqualTo("${a} %{b} $x %d");
    }

    @Test
    void directivesIfElseAndFor() {
        assertThat(value("v = \"%{ if 1 < 2 }yes%{ else }no%{ endif }\"\n")).isEqualTo("yes");
        assertThat(value("v = \"%{ for x in [1, 2, 3] }<${x}>%{ endfor }\"\n")).isEqualTo("<1><2><3>");
        assertThat(value("v = \"%{ for k, x in {b = 2, a = 1} }${k}=${x};%{ endfor }\"\n"))
                .isEqualTo("a=1;b=2;");
    }

    @Test
    void unmatchedDirectivesAreErrors() {
        HclParseException e = catchThrowableOfType(HclParseException.class, () -> value("v = \"%{ if true }x\"\n"));
        assertThat(e.getMessage()).isEqualTo("t.hcl:1:6: %{ if } has no matching %{ endif }");
        e = catchThrowableOfType(HclParseException.class, () -> value("v = \"x%{ endfor }\"\n"));
        assertThat(e.getMessage()).startsWith("t.hcl:1:7: %{ endfor } has no matching %{ for }");
    }

    @Test
    void aHeredocIsAnElementOfAListAndAValueOfAnObject() {
        assertThat(value("v = [\"-c\", <<EOT\necho hi\nEOT\n]\n")).isEqualTo(List.of("-c", "echo hi\n"));
        assertThat(value("v = [\n  \"-c\",\n  <<-EOT\n    echo ${1 + 1}\n    EOT\n  , \"x\"]\n"))
                .isEqualTo(List.of("-c", "echo 2\n", "x"));
        assertThat(value("v = { script = <<EOT\nexit 0\nEOT\n}\n")).isEqualTo(Map.of("script", "exit 0\n"));
    }

    @Test
    void aForWithoutInIsAnErrorAtItsPlaceInATemplateAndInAnExpression() {
        HclParseException e = catchThrowableOfType(
                HclParseException.class, () -> value("v = \"%{ for k, x of [1] }x%{ endfor }\"\n"));
        assertThat(e.getMessage()).startsWith("t.hcl:1:").contains("expected \"in\" in the %{ for } directive");
        e = catchThrowableOfType(HclParseException.class, () -> value("v = [for x of [1]: x]\n"));
        assertThat(e.getMessage())
                .startsWith("t.hcl:1:")
                .contains("expected \"in\" after the for expression's variables");
    }

    @Test
    void stripMarkersRemoveAdjacentWhitespace() {
        // the spec's examples
        assertThat(value("v = \"hello ${~ \"world\" }\"\n")).isEqualTo("helloworld");
        assertThat(value("v = \"%{ if true ~} hello %{~ endif }\"\n")).isEqualTo("hello");
        assertThat(value("v = \"${\"hello\" ~}${\" world\"}\"\n")).isEqualTo("hello world");
    }

    @Test
    void aLoneInterpolationIsUnwrappedToItsValue() {
        // the spec's examples
        assertThat(value("v = \"${true}\"\n")).isEqualTo(true);
        assertThat(value("v = \"${\"${true}\"}\"\n")).isEqualTo(true);
        assertThat(value("v = \"hello ${true}\"\n")).isEqualTo("hello true");
        assertThat(value("v = \"${\"\"}${true}\"\n")).isEqualTo("true");
        assertThat(value("v = \"%{ for v in [true] }${v}%{ endfor }\"\n")).isEqualTo("true");
    }

    @Test
    void heredocKeepsTextVerbatimWithInterpolations() {
        String hcl = "v = <<EOF\n  indented ${1 + 1}\n\\n is not an escape\n{{ env \"X\" }}\nEOF\n";
        assertThat(value(hcl)).isEqualTo("  indented 2\n\\n is not an escape\n{{ env \"X\" }}\n");
    }

    @Test
    void indentedHeredocStripsTheCommonIndentation() {
        String hcl = """
                locals {
                  v = <<-EOT
                      first
                        second

                      ${"third"}
                    EOT
                }
                v = local.v
                """;
        assertThat(value(hcl)).isEqualTo("first\n  second\n\nthird\n");
    }

    @Test
    void heredocWithoutItsClosingLineIsAnError() {
        HclParseException e = catchThrowableOfType(HclParseException.class, () -> value("v = <<EOF\nabc\nEO\n"));
        assertThat(e.getMessage()).isEqualTo("t.hcl:1:5: the heredoc \"<<EOF\" has no closing line \"EOF\"");
    }

    @Test
    void anUnclosedInterpolationSaysWhereItOpened() {
        HclParseException e = catchThrowableOfType(HclParseException.class, () -> value("v = \"a ${b\"\n"));
        assertThat(e.getMessage()).startsWith("t.hcl:1:11: expected \"}\" to close the interpolation \"${\" at 1:8");
    }

    @Test
    void blockLabelsCannotBeTemplates() {
        HclParseException e =
                catchThrowableOfType(HclParseException.class, () -> HclParser.parse("t.hcl", "job \"${var.x}\" {}\n"));
        assertThat(e.getMessage()).isEqualTo("t.hcl:1:6: a block label cannot contain \"${\" or \"%{\" sequences");
    }
}
