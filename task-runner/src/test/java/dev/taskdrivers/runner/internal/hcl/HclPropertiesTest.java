package dev.taskdrivers.runner.internal.hcl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class HclPropertiesTest {

    private static final List<String> FRAGMENTS = List.of(
            "job",
            " \"web\" ",
            "{",
            "}",
            "\n",
            "=",
            " = ",
            "[",
            "]",
            "(",
            ")",
            ",",
            ":",
            "?",
            "\"",
            "${",
            "%{",
            "~",
            "<<EOF\n",
            "<<-EOF\n",
            "EOF\n",
            "  EOF",
            "var.x",
            "local.y",
            "attr.kernel.name",
            "env[\"X\"]",
            "upper(",
            "format(\"%s\", ",
            "for ",
            " in ",
            "if ",
            "endif",
            "endfor",
            "else",
            "1",
            "2.5",
            "1e3",
            "-",
            "+",
            "*",
            "/",
            "%",
            "==",
            "!",
            "&&",
            "||",
            "<",
            ">=",
            "=>",
            "...",
            ".",
            "[*]",
            ".*",
            "#",
            "//",
            "/*",
            "*/",
            "\\",
            "\\n",
            "\\u00",
            "null",
            "true",
            "locals",
            "variable \"x\" ",
            "default",
            "\t",
            " ",
            "é",
            "\u0000",
            "\r\n",
            "$${",
            "0",
            "9999999999999999999999",
            "1e999999999");

    @Provide
    Arbitrary<String> hclLike() {
        Arbitrary<String> fragments =
                Arbitraries.of(FRAGMENTS).list().ofMaxSize(60).map(parts -> String.join("", parts));
        Arbitrary<String> noise = Arbitraries.strings().ofMaxLength(80);
        return Arbitraries.oneOf(fragments, fragments, noise);
    }

    @Property(tries = 1500)
    void anyInputGivesATreeOrAnErrorWithAPosition(@ForAll("hclLike") String text) {
        try {
            EvaluatedBody body = HclEvaluator.evaluate("p.hcl", text, Map.of());
            assertThat(body.toTree()).isNotNull();
        } catch (HclParseException e) {
            assertThat(e.problems()).isNotEmpty();
            assertThat(e.position().file()).isNotBlank();
            assertThat(e.position().line()).isPositive();
            assertThat(e.position().column()).isPositive();
        }
    }

    @Property(tries = 300)
    void anyExpressionGivesAValueOrAnErrorWithAPosition(@ForAll("hclLike") String text) {
        try {
            Expr expr = HclParser.parseExpression("e.hcl", text);
            ExpressionEvaluator.constantsOnly().evaluate(expr);
        } catch (HclParseException e) {
            assertThat(e.position().line()).isPositive();
        }
    }
}
