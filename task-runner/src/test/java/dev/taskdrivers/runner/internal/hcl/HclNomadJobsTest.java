package dev.taskdrivers.runner.internal.hcl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Job files published with Nomad (its documentation, {@code nomad job init}, its end-to-end tests). */
class HclNomadJobsTest {

    private static EvaluatedBody read(String name) throws IOException {
        try (InputStream in = HclNomadJobsTest.class.getResourceAsStream("/nomad-jobs/" + name)) {
            assertThat(in).as(name).isNotNull();
            return HclEvaluator.evaluate(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), Map.of());
        }
    }

    private static EvaluatedBody.Block only(List<EvaluatedBody.Block> blocks) {
        assertThat(blocks).hasSize(1);
        return blocks.get(0);
    }

    @Test
    void theJobNomadJobInitWrites() throws IOException {
        EvaluatedBody.Block job = only(read("hello.nomad.hcl").blocks("job"));
        assertThat(job.labels()).containsExactly("hello-nomad");
        EvaluatedBody.Block group = only(job.body().blocks("group"));
        assertThat(group.labels()).containsExactly("web");
        EvaluatedBody.Block port =
                only(only(group.body().blocks("network")).body().blocks("port"));
        assertThat(port.labels()).containsExactly("http");
        assertThat(port.body().value("to")).isEqualTo(8080L);
        EvaluatedBody.Block task = only(group.body().blocks("task"));
        assertThat(task.labels()).containsExactly("app");
        assertThat(task.body().value("driver")).isEqualTo("docker");
        assertThat(only(task.body().blocks("config")).body().value("ports")).isEqualTo(List.of("http"));
    }

    @Test
    void theShortExampleJob() throws IOException {
        EvaluatedBody.Block job = only(read("example-short.nomad.hcl").blocks("job"));
        assertThat(job.labels()).containsExactly("example");
        EvaluatedBody.Block group = only(job.body().blocks("group"));
        assertThat(group.labels()).containsExactly("cache");
        EvaluatedBody.Block task = only(group.body().blocks("task"));
        assertThat(task.labels()).containsExactly("redis");
        assertThat(task.body().value("driver")).isEqualTo("docker");
        EvaluatedBody resources = only(task.body().blocks("resources")).body();
        assertThat(resources.value("cpu")).isEqualTo(500L);
        assertThat(resources.value("memory")).isEqualTo(256L);
        assertThat(task.position()).hasToString("example-short.nomad.hcl:12:5");
    }

    @Test
    void aRawExecBatchJobWithAHeredocTemplate() throws IOException {
        EvaluatedBody.Block job = only(read("raw_exec.nomad").blocks("job"));
        assertThat(job.labels()).containsExactly("raw_exec");
        assertThat(job.body().value("type")).isEqualTo("batch");
        assertThat(only(job.body().blocks("constraint")).body().value("attribute"))
                .isEqualTo("${attr.kernel.name}");
        EvaluatedBody.Block task = only(only(job.body().blocks("group")).body().blocks("task"));
        assertThat(task.labels()).containsExactly("raw_exec");
        assertThat(task.body().value("driver")).isEqualTo("raw_exec");
        assertThat(only(task.body().blocks("config")).body().value("args")).isEqualTo(List.of("-c", "local/pid.sh"));
        assertThat(only(task.body().blocks("template")).body().value("data"))
                .isEqualTo("#!/usr/bin/env bash\necho my pid is $BASHPID\n");
    }

    @Test
    void aJobWithAVariableAndAnIndentedHeredocLocal() throws IOException {
        EvaluatedBody file = read("lost_template_with_vars.nomad");
        assertThat(file.blocks()).extracting(EvaluatedBody.Block::type).containsExactly("job");
        EvaluatedBody.Block job = only(file.blocks("job"));
        assertThat(job.labels()).containsExactly("lost_template_with_vars");
        EvaluatedBody.Block group = only(job.body().blocks("group"));
        assertThat(group.body().value("count")).isEqualTo(2L);
        EvaluatedBody.Block task = only(group.body().blocks("task"));
        assertThat(task.labels()).containsExactly("task");
        assertThat(task.body().value("driver")).isEqualTo("docker");
        EvaluatedBody template = only(task.body().blocks("template")).body();
        assertThat(template.value("data")).isEqualTo("authtoken 411b5a75-333a-45d8-9435-8ea23c9cf63d\n");
        assertThat(template.value("destination")).isEqualTo("${NOMAD_ALLOC_DIR}/data/password.txt");
    }

    @Test
    void theVariableCanBeGivenLikeDashVar() throws IOException {
        try (InputStream in = HclNomadJobsTest.class.getResourceAsStream("/nomad-jobs/lost_template_with_vars.nomad")) {
            EvaluatedBody file = HclEvaluator.evaluate(
                    "lost_template_with_vars.nomad",
                    new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    Map.of("token", "t0k3n"));
            EvaluatedBody task = only(only(only(file.blocks("job")).body().blocks("group"))
                            .body()
                            .blocks("task"))
                    .body();
            assertThat(only(task.blocks("template")).body().value("data")).isEqualTo("authtoken t0k3n\n");
        }
    }

    @Test
    void aJobWithThreeGroupsAndConsulTemplates() throws IOException {
        EvaluatedBody.Block job = only(read("templating.nomad").blocks("job"));
        assertThat(job.labels()).containsExactly("templating");
        List<EvaluatedBody.Block> groups = job.body().blocks("group");
        assertThat(groups)
                .extracting(g -> g.labels().get(0))
                .containsExactly("docker_downstream", "exec_downstream", "upstream");
        assertThat(groups)
                .extracting(g -> only(g.body().blocks("task")).body().value("driver"))
                .containsExactly("docker", "exec", "exec");
        EvaluatedBody.Block task = only(groups.get(0).body().blocks("task"));
        List<EvaluatedBody.Block> templates = task.body().blocks("template");
        assertThat(templates.get(0).body().value("data"))
                .isEqualTo("{{ range service \"upstream-service\" }}\nserver {{ .Name }} {{ .Address }}:{{ .Port }}"
                        + "{{ end }}\n");
        assertThat(templates.get(1).body().value("destination")).isEqualTo("${NOMAD_TASK_DIR}/kv.yml");
        EvaluatedBody.Block port =
                only(only(groups.get(2).body().blocks("network")).body().blocks("port"));
        assertThat(port.body().value("to")).isEqualTo(-1L);
    }

    @Test
    void nomadsBasicParserFixture() throws IOException {
        EvaluatedBody.Block job = only(read("basic.hcl").blocks("job"));
        assertThat(job.labels()).containsExactly("binstore-storagelocker");
        assertThat(job.body().value("priority")).isEqualTo(52L);
        assertThat(job.body().value("datacenters")).isEqualTo(List.of("us2", "eu1"));
        assertThat(only(job.body().blocks("affinity")).body().value("attribute"))
                .isEqualTo("${meta.team}");
        EvaluatedBody.Block group = only(job.body().blocks("group"));
        assertThat(group.labels()).containsExactly("binsl");
        List<EvaluatedBody.Block> tasks = group.body().blocks("task");
        assertThat(tasks).extracting(t -> t.labels().get(0)).containsExactly("binstore", "storagelocker");
        assertThat(tasks).extracting(t -> t.body().value("driver")).containsExactly("docker", "docker");
        EvaluatedBody resources = only(tasks.get(0).body().blocks("resources")).body();
        assertThat(resources.blocks("device"))
                .extracting(d -> d.labels().get(0))
                .containsExactly("nvidia/gpu", "intel/gpu");
        assertThat(only(resources.blocks("network")).body().blocks("port")).hasSize(6);
        Map<String, Object> env = only(tasks.get(0).body().blocks("env")).body().toTree();
        assertThat(env).isEqualTo(Map.of("HELLO", "world", "LOREM", "ipsum"));
    }

    @Test
    void aJobWithLifecycleHooksWhoseScriptsUseRuntimeVariables() throws IOException {
        EvaluatedBody.Block job = only(read("service-lifecycle.nomad").blocks("job"));
        assertThat(job.labels()).containsExactly("service-lifecycle");
        List<EvaluatedBody.Block> tasks =
                only(job.body().blocks("group")).body().blocks("task");
        assertThat(tasks)
                .extracting(t -> t.labels().get(0))
                .containsExactly("init", "sidecar", "main", "poststart", "poststop");
        assertThat(tasks).extracting(t -> t.body().value("driver")).containsOnly("docker");
        assertThat(tasks)
                .extracting(t -> t.body().blocks("lifecycle").isEmpty()
                        ? null
                        : t.body().blocks("lifecycle").get(0).body().value("hook"))
                .containsExactly("prestart", "prestart", null, "poststart", "poststop");
        String init =
                (String) only(tasks.get(0).body().blocks("template")).body().value("data");
        assertThat(init)
                .startsWith("#!/bin/sh\nsleep 1\ntouch ${NOMAD_ALLOC_DIR}/init-ran\n")
                .endsWith("rm ${NOMAD_ALLOC_DIR}/init-running\n");
        String main =
                (String) only(tasks.get(2).body().blocks("template")).body().value("data");
        assertThat(main).contains("function cleanup() {\n  echo stopping\n").endsWith("done\n\n\n");
    }
}
