package dev.taskdrivers.runner.internal.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.templates.CatalogService;
import dev.taskdrivers.templates.KeyValue;
import dev.taskdrivers.templates.ServiceInstance;
import dev.taskdrivers.templates.TemplateQuery;
import dev.taskdrivers.templates.TemplateQueryResult;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The language and functions, checked against the examples of consul-template's and Go's documentation. */
class TemplateEngineTest {
    private final Map<TemplateQuery, TemplateQueryResult> data = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> files = new HashMap<>();

    private final TemplateInputs inputs = new TemplateInputs() {
        @Override
        public @Nullable TemplateQueryResult lookup(TemplateQuery query) {
            return data.get(query);
        }

        @Override
        public @Nullable String env(String name) {
            return env.get(name);
        }

        @Override
        public String file(String path) throws IOException {
            String f = files.get(path);
            if (f == null) {
                throw new NoSuchFileException(path);
            }
            return f;
        }

        @Override
        public Instant now() {
            return Instant.parse("2026-11-30T10:15:30Z");
        }
    };

    private String render(String text) {
        Template.Rendering r = Template.parse(text).render(inputs, false);
        assertThat(r.missing()).as("missing").isEmpty();
        return r.text();
    }

    private void key(String k, @Nullable String v) {
        data.put(TemplateQuery.key(k), TemplateQueryResult.ofValue(v));
    }

    @Test
    void keyRendersItsValueAndAMissingKeyLeavesTheRenderIncomplete() {
        key("service/redis/maxconns", "15");
        assertThat(render("maxconns: {{ key \"service/redis/maxconns\" }}")).isEqualTo("maxconns: 15");

        key("absent", null);
        Template.Rendering r =
                Template.parse("{{ key \"absent\" }}{{ key \"unknown\" }}").render(inputs, false);
        assertThat(r.complete()).isFalse();
        assertThat(r.missing()).containsExactlyInAnyOrder("kv.block(absent)", "kv.block(unknown)");
        assertThat(r.queries()).contains(TemplateQuery.key("absent"), TemplateQuery.key("unknown"));
    }

    @Test
    void keyOrDefaultFallsBackWithoutWaiting() {
        key("service/redis/maxconns", null);
        assertThat(render("{{ keyOrDefault \"service/redis/maxconns\" \"5\" }}"))
                .isEqualTo("5");
        key("service/redis/maxconns", "12");
        assertThat(render("{{ keyOrDefault \"service/redis/maxconns\" \"5\" }}"))
                .isEqualTo("12");
    }

    @Test
    void lsListsTopLevelKeysAndTreeEveryKey() {
        data.put(
                TemplateQuery.keyPrefix("service/redis"),
                TemplateQueryResult.ofKeys(List.of(
                        new KeyValue("service/redis/maxconns", "12"),
                        new KeyValue("service/redis/minconns", "2"),
                        new KeyValue("service/redis/nested/config/value", "\"value\""),
                        new KeyValue("service/redis/folder/", ""))));
        assertThat(render("{{ range ls \"service/redis\" }}\n{{ .Key }}:{{ .Value }}{{ end }}"))
                .isEqualTo("\nmaxconns:12\nminconns:2");
        assertThat(render("{{ range tree \"service/redis\" }}\n{{ .Key }}:{{ .Value }}{{ end }}"))
                .isEqualTo("\nmaxconns:12\nminconns:2\nnested/config/value:\"value\"");
    }

    @Test
    void serviceRangesOverHealthyInstancesWithTagAndAnyFilters() {
        ServiceInstance web01 = new ServiceInstance(
                "web01", "web", "node1", "10.5.2.45", 2492, List.of("east"), "passing", Map.of("v", "1"));
        ServiceInstance web02 = ServiceInstance.passing("web02", "web", "10.2.6.61", 2904);
        data.put(TemplateQuery.service("web", null, true), TemplateQueryResult.ofInstances(List.of(web02, web01)));
        data.put(TemplateQuery.service("web", "east", true), TemplateQueryResult.ofInstances(List.of(web01)));
        data.put(TemplateQuery.service("web", null, false), TemplateQueryResult.ofInstances(List.of(web01)));

        assertThat(render("{{ range service \"web\" }}\nserver {{ .ID }} {{ .Address }}:{{ .Port }}{{ end }}"))
                .isEqualTo("\nserver web02 10.2.6.61:2904\nserver web01 10.5.2.45:2492");
        assertThat(
                        render(
                                "{{ range service \"east.web\" }}{{ .ID }} {{ index .ServiceMeta \"v\" }} {{ .Tags }}{{ end }}"))
                .isEqualTo("web01 1 [east]");
        assertThat(render("{{ len (service \"web|any\") }}")).isEqualTo("1");
        assertThat(render("{{ with service \"web\" }}{{ with index . 0 }}{{ .Node }}{{ end }}{{ end }}"))
                .isEqualTo("local");
    }

    @Test
    void servicesListsTheCatalogSortedByName() {
        data.put(
                TemplateQuery.services(),
                TemplateQueryResult.ofServices(
                        List.of(new CatalogService("web", List.of("a", "b")), new CatalogService("db", List.of()))));
        assertThat(render("{{ range services }}{{ .Name }}: {{ .Tags | join \",\" }}\n{{ end }}"))
                .isEqualTo("db: \nweb: a,b\n");
    }

    @Test
    void envFileAndTimestamp() {
        env.put("CLUSTER_ID", "ABC");
        files.put("local/x", "from file");
        assertThat(render(
                        "{{ env \"CLUSTER_ID\" | toLower }} {{ or (env \"NONE\") \"12345\" }} {{ file \"local/x\" }}"))
                .isEqualTo("abc 12345 from file");
        assertThat(render("{{ timestamp }} {{ timestamp \"unix\" }} {{ timestamp \"2006-01-02\" }}"))
                .isEqualTo("2026-11-30T10:15:30Z 1796033730 2026-11-30");
        assertThatThrownBy(() -> render("\n  {{ file \"nope\" }}"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("line 2:6")
                .hasMessageContaining("nope");
    }

    @Test
    void stringHelpers() {
        assertThat(render("{{ \"a.b.c\" | replaceAll \".\" \"_\" }}")).isEqualTo("a_b_c");
        assertThat(render("{{ range split \",\" \"a,b,c\" }}[{{ . }}]{{ end }}"))
                .isEqualTo("[a][b][c]");
        assertThat(render("{{ split \",\" \"  \" | len }}")).isEqualTo("0");
        assertThat(render("{{ join \"-\" (split \",\" \"x,y\") }}")).isEqualTo("x-y");
        assertThat(render("[{{ trimSpace \"  hi \\n\" }}] {{ toUpper \"up\" }}"))
                .isEqualTo("[hi] UP");
        assertThat(render("{{ base64Encode \"hello\" }} {{ base64Decode \"aGVsbG8=\" }}"))
                .isEqualTo("aGVsbG8= hello");
    }

    @Test
    void jsonRoundTrips() {
        key("cfg", "{\"port\": 8080, \"hosts\": [\"a\", \"b\"], \"tls\": {\"on\": true}, \"ratio\": 0.5}");
        assertThat(
                        render(
                                "{{ with key \"cfg\" | parseJSON }}{{ .port }} {{ index .hosts 1 }} {{ .tls.on }} {{ .ratio }}{{ end }}"))
                .isEqualTo("8080 b true 0.5");
        assertThat(render("{{ key \"cfg\" | parseJSON | toJSON }}"))
                .isEqualTo("{\"hosts\":[\"a\",\"b\"],\"port\":8080,\"ratio\":0.5,\"tls\":{\"on\":true}}");
        assertThat(render("{{ range $k, $v := parseJSON `{\"b\":2,\"a\":1}` }}{{ $k }}={{ $v }};{{ end }}"))
                .isEqualTo("a=1;b=2;");
    }

    @Test
    void goLanguage() {
        assertThat(render("{{ if eq 1 2 }}a{{ else if eq 2 2 }}b{{ else }}c{{ end }}"))
                .isEqualTo("b");
        assertThat(render("{{ if and true 0 }}x{{ else }}y{{ end }} {{ or 0 \"\" \"z\" }} {{ not 0 }}"))
                .isEqualTo("y z true");
        assertThat(
                        render(
                                "{{ eq \"a\" \"b\" \"a\" }} {{ ne 1 1 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt \"b\" \"a\" }} {{ ge 1.5 2 }}"))
                .isEqualTo("true false true true true false");
        assertThat(render("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}"))
                .isEqualTo("2");
        assertThat(render("{{ range $i, $e := split \",\" \"a,b\" }}{{ $i }}{{ $e }}{{ end }}"))
                .isEqualTo("0a1b");
        assertThat(render("{{ range split \",\" \"\" }}x{{ else }}empty{{ end }}"))
                .isEqualTo("empty");
        assertThat(render("{{ printf \"%s-%d-%v-%q-%5.2f-%x\" \"a\" 42 true \"q\" 3.14159 255 }}"))
                .isEqualTo("a-42-true-\"q\"- 3.14-ff");
        assertThat(render("{{ print \"a\" 1 2 \"b\" }}")).isEqualTo("a1 2b");
        assertThat(render("{{ with $m := parseJSON `{\"a\":{\"b\":\"c\"}}` }}{{ $m.a.b }} {{ $.x }}{{ end }}"))
                .isEqualTo("c <no value>");
        assertThat(render("{{/* a comment */}}x  {{- /* trimmed */ -}}  y")).isEqualTo("xy");
        assertThat(render("a  {{- \"b\" -}}  \n c")).isEqualTo("abc");
        assertThat(render("{{ 1e6 }} {{ 0x1F }} {{ -3 }} {{ nil | print }}")).isEqualTo("1e+06 31 -3 <nil>");
    }

    @Test
    void customDelimitersLeaveDoubleBracesAlone() {
        key("k", "v");
        Template t = Template.parse("{{ not a template }} [[ key \"k\" ]] [[- \" x\" ]]", "[[", "]]");
        assertThat(t.render(inputs, false).text()).isEqualTo("{{ not a template }} v x");
    }

    @Test
    void missingMapKeyPrintsNoValueOrFailsWhenAsked() {
        Template t = Template.parse("{{ with parseJSON `{\"a\":1}` }}{{ .b }}{{ end }}");
        assertThat(t.render(inputs, false).text()).isEqualTo("<no value>");
        assertThatThrownBy(() -> t.render(inputs, true))
                .isInstanceOf(TemplateException.class)
                .hasMessage("line 1:34: map has no entry for key \"b\"");
    }

    @Test
    void unsupportedFunctionsAndSyntaxAreRefusedWithLineAndColumn() {
        assertThatThrownBy(() -> Template.parse("ok\n  {{ plugin \"my-plugin\" }}"))
                .isInstanceOf(TemplateException.class)
                .hasMessage("line 2:6: function \"plugin\" not defined");
        assertThatThrownBy(() -> Template.parse("{{ secret \"a\" }}"))
                .hasMessage("line 1:4: function \"secret\" not defined");
        assertThatThrownBy(() -> Template.parse("{{ define \"x\" }}{{ end }}"))
                .hasMessage("line 1:4: {{define}} is not supported");
        assertThatThrownBy(() -> Template.parse("{{ if true }}x")).hasMessageContaining("has no {{end}}");
        assertThatThrownBy(() -> Template.parse("{{ end }}")).hasMessage("line 1:1: unexpected {{end}}");
        assertThatThrownBy(() -> Template.parse("{{ key \"a\" ")).hasMessageContaining("unclosed action");
        assertThatThrownBy(() -> Template.parse("{{ $y }}")).hasMessage("line 1:4: undefined variable \"$y\"");
        assertThatThrownBy(() -> render("{{ index (split \",\" \"a\") 3 }}")).hasMessageContaining("out of range");
    }
}
