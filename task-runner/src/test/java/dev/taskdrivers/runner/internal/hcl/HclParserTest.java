package dev.taskdrivers.runner.internal.hcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class HclParserTest {

    private static Body parse(String text) {
        return HclParser.parse("job.nomad", text);
    }

    private static Expr expr(String text) {
        return HclParser.parseExpression("expr", text);
    }

    private static HclParseException parseError(String text) {
        return (HclParseException) org.assertj.core.api.Assertions.catchThrowable(() -> parse(text));
    }

    @Test
    void nestedLabelledBlocksKeepTypesLabelsAndPositions() {
        Body body = parse("""
                job "web" {
                  group "g" {
                    task "t" {
                      driver = "docker"
                      config { image = "x" }
                    }
                  }
                }
                """);
        Body.Block job = body.blocks().get(0);
        assertThat(job.type()).isEqualTo("job");
        assertThat(job.labels()).containsExactly("web");
        assertThat(job.position()).isEqualTo(new Position("job.nomad", 1, 1));
        Body.Block group = job.body().blocks().get(0);
        assertThat(group.labels()).containsExactly("g");
        assertThat(group.position()).hasToString("job.nomad:2:3");
        Body.Block task = group.body().blocks().get(0);
        Body.Attribute driver = task.body().attributes().get(0);
        assertThat(driver.name()).isEqualTo("driver");
        assertThat(driver.position()).hasToString("job.nomad:4:7");
        assertThat(driver.value().position()).hasToString("job.nomad:4:16");
        Body.Block config = task.body().blocks().get(0);
        assertThat(config.type()).isEqualTo("config");
        assertThat(config.body().attributes().get(0).name()).isEqualTo("image");
    }

    @Test
    void blockLabelsMayBeIdentifiersAndThereMayBeSeveral() {
        Body.Block b = parse("resource aws_instance \"web\" {}\n").blocks().get(0);
        assertThat(b.labels()).containsExactly("aws_instance", "web");
    }

    @Test
    void allThreeCommentStylesAreIgnored() {
        Body body = parse("""
                # hash comment
                // slash comment
                /* inline
                   over lines */ a = 1 # trailing
                b = /* inside */ 2 // trailing
                """);
        assertThat(body.attributes()).extracting(Body.Attribute::name).containsExactly("a", "b");
        assertThat(body.attributes().get(0).position()).hasToString("job.nomad:4:18");
    }

    @Test
    void numbersAreIntegersOrDecimalsWithExponents() {
        assertThat(((Expr.Literal) expr("42")).value()).isEqualTo(new BigDecimal("42"));
        assertThat(((Expr.Literal) expr("1.5")).value()).isEqualTo(new BigDecimal("1.5"));
        assertThat(((BigDecimal) ((Expr.Literal) expr("2e3")).value()).intValueExact())
                .isEqualTo(2000);
        assertThat(((Expr.Literal) expr("true")).value()).isEqualTo(true);
        assertThat(((Expr.Literal) expr("null")).value()).isNull();
    }

    @Test
    void operatorsFollowTheSpecsPrecedence() {
        Expr.Binary or = (Expr.Binary) expr("a || b && c == d + e * f");
        assertThat(or.operator()).isEqualTo("||");
        Expr.Binary and = (Expr.Binary) or.right();
        assertThat(and.operator()).isEqualTo("&&");
        Expr.Binary eq = (Expr.Binary) and.right();
        assertThat(eq.operator()).isEqualTo("==");
        Expr.Binary plus = (Expr.Binary) eq.right();
        assertThat(plus.operator()).isEqualTo("+");
        assertThat(((Expr.Binary) plus.right()).operator()).isEqualTo("*");
    }

    @Test
    void sameLevelOperatorsAssociateToTheLeft() {
        Expr.Binary times = (Expr.Binary) expr("x / y * z");
        assertThat(times.operator()).isEqualTo("*");
        assertThat(((Expr.Binary) times.left()).operator()).isEqualTo("/");
    }

    @Test
    void conditionalUnaryAndParentheses() {
        Expr.Conditional c = (Expr.Conditional) expr("!ok ? -1 : (2 + 3)");
        assertThat(c.condition()).isInstanceOf(Expr.Unary.class);
        assertThat(((Expr.Unary) c.whenTrue()).operator()).isEqualTo("-");
        assertThat(((Expr.Binary) c.whenFalse()).operator()).isEqualTo("+");
    }

    @Test
    void traversalsWithAttributesIndexesAndLegacyIndex() {
        Expr.Index env = (Expr.Index) expr("env[\"X\"]");
        assertThat(((Expr.Variable) env.target()).name()).isEqualTo("env");
        Expr.GetAttr name = (Expr.GetAttr) expr("attr.kernel.name");
        assertThat(name.name()).isEqualTo("name");
        assertThat(((Expr.GetAttr) name.target()).name()).isEqualTo("kernel");
        assertThat(name.source()).isEqualTo("attr.kernel.name");
        Expr.Index legacy = (Expr.Index) expr("list.0");
        assertThat(((Expr.Literal) legacy.key()).value()).isEqualTo(BigDecimal.ZERO);
    }

    @Test
    void splatsApplyTheirStepsToEachElement() {
        Expr.Splat full = (Expr.Splat) expr("tuple[*].foo.bar[0]");
        assertThat(full.each()).isInstanceOf(Expr.Index.class);
        Expr attrOnly = expr("tuple.*.foo.bar[0]");
        assertThat(attrOnly).isInstanceOf(Expr.Index.class);
        assertThat(((Expr.Index) attrOnly).target()).isInstanceOf(Expr.Splat.class);
    }

    @Test
    void functionCallsWithNewlinesTrailingCommaAndExpansion() {
        Expr.FunctionCall call = (Expr.FunctionCall) expr("format(\n  \"%s-%s\",\n  a,\n  b,\n)");
        assertThat(call.name()).isEqualTo("format");
        assertThat(call.args()).hasSize(3);
        assertThat(((Expr.FunctionCall) expr("min(list...)")).expandLast()).isTrue();
    }

    @Test
    void tuplesAndObjectsWithBothSeparatorsAndNewlines() {
        Expr.Tuple t = (Expr.Tuple) expr("[\n 1,\n \"two\",\n]");
        assertThat(t.items()).hasSize(2);
        Expr.ObjectCons o = (Expr.ObjectCons) expr("{ k = 1, \"k2\": 2\n k3 = 3\n (k4) = 4 }");
        assertThat(o.items()).hasSize(4);
        assertThat(o.items().get(0).key().source()).isEqualTo("k");
        assertThat(o.items().get(3).key()).isInstanceOf(Expr.Variable.class);
    }

    @Test
    void forExpressionsOfBothKinds() {
        Expr.ForExpr tuple = (Expr.ForExpr) expr("[for i, v in [\"a\", \"b\", \"c\"]: v if i < 2]");
        assertThat(tuple.keyVar()).isEqualTo("i");
        assertThat(tuple.valueVar()).isEqualTo("v");
        assertThat(tuple.condition()).isNotNull();
        Expr.ForExpr object = (Expr.ForExpr) expr("{for i, v in [\"a\", \"a\", \"b\"]: v => i...}");
        assertThat(object.grouping()).isTrue();
        assertThat(object.key()).isNotNull();
    }

    @Test
    void anAttributeEndsAtTheEndOfItsLine() {
        HclParseException e = parseError("a = 1 2\n");
        assertThat(e.problems().get(0).toString())
                .isEqualTo("job.nomad:1:7: expected a newline after the value of \"a\", found number 2");
    }

    @Test
    void aNameWithoutEqualsOrBraceSaysWhatWasExpected() {
        HclParseException e = parseError("""
                job "x" {
                  group "g" {
                    network {
                      port
                    }
                  }
                }
                """);
        assertThat(e.getMessage()).isEqualTo("job.nomad:4:11: expected \"=\" or \"{\" after \"port\", found newline");
        assertThat(e.position()).isEqualTo(new Position("job.nomad", 4, 11));
    }

    @Test
    void severalErrorsAreReportedWhenTheParserCanGoOn() {
        HclParseException e = parseError("""
                job "x" {
                  a = 1 +
                  c = "ok"
                  d = )
                  e = [1, 2
                }
                """);
        assertThat(e.problems()).extracting(p -> p.position().line()).containsExactly(2, 4, 6);
        assertThat(e.problems().get(0).message()).isEqualTo("expected an operand after \"+\", found newline");
        assertThat(e.problems().get(1).message()).isEqualTo("expected an expression, found \")\"");
        assertThat(e.problems().get(2).message())
                .isEqualTo("expected \",\" or \"]\" in the list started at 5:7, found \"}\"");
    }

    @Test
    void anUnclosedBlockNamesWhereItWasOpened() {
        HclParseException e = parseError("job \"x\" {\n  group \"g\" {\n");
        assertThat(e.getMessage())
                .isEqualTo(
                        "job.nomad:3:1: expected \"}\" to close the block \"group\" opened at 2:3, found end of file");
    }

    @Test
    void duplicateAttributesAreRefused() {
        HclParseException e = parseError("a = 1\na = 2\n");
        assertThat(e.getMessage()).isEqualTo("job.nomad:2:1: attribute \"a\" is already defined at 1:1");
    }

    @Test
    void unterminatedStringsAndCommentsArePinpointed() {
        assertThat(parseError("a = \"abc\nb = 1\n").getMessage())
                .isEqualTo("job.nomad:1:5: unterminated string: the \" opened here has no closing \" on the same line");
        assertThat(parseError("a = 1\n/* never closed").getMessage())
                .isEqualTo("job.nomad:2:1: unterminated comment: \"/*\" has no closing \"*/\"");
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "a = " + "(".repeat(5000) + "1" + ")".repeat(5000) + "\n";
        assertThat(parseError(deep).getMessage()).contains("nested more than 64 levels deep");
    }

    @Test
    void specExamplesOfCollectionSyntaxErrors() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> expr("[for, foo, baz]")))
                .isInstanceOf(HclParseException.class);
        assertThat(expr("[(for), foo, baz]")).isInstanceOf(Expr.Tuple.class);
        assertThat(((Expr.ObjectCons) expr("{\"for\" = 1, baz = 2}")).items()).hasSize(2);
        assertThat(((Expr.ObjectCons) expr("{baz = 2, for = 1}")).items()).hasSize(2);
    }

    @Test
    void oneLineBlocksAndEmptyBlocks() {
        Body body = parse("port \"http\" {}\nport \"db\" { to = 6379 }\n");
        assertThat(body.blocks()).hasSize(2);
        assertThat(body.blocks().get(1).body().attributes().get(0).name()).isEqualTo("to");
    }

    @Test
    void identifiersMayContainDashes() {
        Body body = parse("config-template = 1\n");
        assertThat(body.attributes().get(0).name()).isEqualTo("config-template");
        assertThatThrownBy(() -> parse("1abc = 2\n"))
                .isInstanceOf(HclParseException.class)
                .hasMessage("job.nomad:1:1: expected an attribute name or a block type, found number 1");
        assertThat(List.of(parse("").attributes(), parse("").blocks())).allMatch(List::isEmpty);
    }
}
