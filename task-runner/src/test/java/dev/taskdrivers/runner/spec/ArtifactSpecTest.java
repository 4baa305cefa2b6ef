package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The artifact block from the three entry points: builders, the SDK's JSON and Nomad HCL. */
class ArtifactSpecTest {
    private static final String SHA256 = "sha256:" + "ab".repeat(32);

    private final SpecParser parser = new SpecParser();

    private List<String> problems(String text) {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> parser.parse(text));
        assertThat(e).as("a ValidationException").isNotNull();
        return e.problems().stream().map(ValidationProblem::toString).toList();
    }

    private static String jsonTask(String artifacts) {
        return """
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [{"name": "t", "driver": "raw_exec",
                  "config": {"command": "/bin/true"}, "artifacts": %s}]}]}}
                """.formatted(artifacts);
    }

    @Test
    void theBuilderStartsFromNomadsDefaultsAndRefusesEveryBrokenFieldAtOnce() {
        ArtifactSpec plain = ArtifactSpec.of("https://example.com/app.tar.gz");
        assertThat(plain.destination()).isEqualTo("local/");
        assertThat(plain.mode()).isEqualTo(ArtifactSpec.Mode.ANY);
        assertThat(plain.options()).isEmpty();

        List<ValidationProblem> problems = ArtifactSpec.builder("hg::https://example.com/repo")
                .destination("../../etc")
                .options(Map.of("checksum", "sha256:abc", "archive", "rar", "filename", "x"))
                .headers(Map.of("Bad Name", "v"))
                .problems();

        assertThat(problems)
                .extracting(ValidationProblem::toString)
                .containsExactly(
                        "source: \"hg::\" sources are not supported: only http, https, git (git::URL) and local files",
                        "destination: must stay inside the task directory or the allocation's alloc directory"
                                + " (../alloc/), got \"../../etc\"",
                        "options.archive: must be tar, tar.gz, tgz, tar.bz2, tbz2, tar.xz, txz, zip, gz or false, got"
                                + " \"rar\"",
                        "options.checksum: sha256 must be 64 hexadecimal digits, got \"abc\"",
                        "options.filename: not supported: the options are checksum and archive (ref, depth and sshkey"
                                + " for git sources)",
                        "headers: \"Bad Name\" is not a header name");
    }

    @Test
    void aTaskNamesItsArtifactsProblemsByIndex() {
        List<ValidationProblem> problems = TaskSpec.builder("t", "raw_exec")
                .artifact(ArtifactSpec.of("https://example.com/ok"))
                .artifact(ArtifactSpec.builder("s3://bucket/key").destination("/etc"))
                .problems();

        assertThat(problems)
                .extracting(ValidationProblem::toString)
                .containsExactly(
                        "artifacts[1].source: \"s3://\" sources are not supported: only http, https, git (git::URL) and"
                                + " local files",
                        "artifacts[1].destination: must be relative to the task directory, got \"/etc\"");
    }

    @Test
    void theJsonReadsEveryFieldAndWritesItBackForTheStateFile() {
        JobSpec job = parser.parse(jsonTask("""
                [{"source": "https://example.com/app.tar.gz", "destination": "local/app", "mode": "dir",
                  "options": {"checksum": "%s", "archive": "tar.gz"}, "headers": {"Authorization": "Bearer x"}},
                 {"source": "https://example.com/run.sh"}]
                """.formatted(SHA256)));

        TaskSpec t = job.groups().get(0).tasks().get(0);
        assertThat(t.artifacts())
                .containsExactly(
                        ArtifactSpec.builder("https://example.com/app.tar.gz")
                                .destination("local/app")
                                .mode(ArtifactSpec.Mode.DIR)
                                .checksum(SHA256)
                                .archive("tar.gz")
                                .headers(Map.of("Authorization", "Bearer x"))
                                .build(),
                        ArtifactSpec.of("https://example.com/run.sh"));
        List<ValidationProblem> problems = new ArrayList<>();
        assertThat(parser.task(SpecWriter.task(t), "task", problems)).isEqualTo(t);
        assertThat(problems).isEmpty();
        assertThat(t.toString()).doesNotContain("Bearer x");
    }

    @Test
    void jsonProblemsComeWithTheirPaths() {
        assertThat(problems(jsonTask("""
                        [{"destination": "local/"},
                         {"source": "https://example.com/a", "mode": "folder"},
                         {"source": "https://example.com/b", "options": {"checksum": "sha256-%s"}},
                         {"source": "https://example.com/c", "destination": "local/../../../outside"},
                         "not an object"]
                        """.formatted("ab".repeat(32)))))
                .containsExactly(
                        "job.groups[0].tasks[0].artifacts[0].source: is required",
                        "job.groups[0].tasks[0].artifacts[1].mode: must be \"any\", \"file\" or \"dir\", got"
                                + " \"folder\"",
                        "job.groups[0].tasks[0].artifacts[2].options.checksum: must be TYPE:HEX with TYPE md5, sha1,"
                                + " sha256 or sha512, got \"sha256-" + "ab".repeat(32) + "\"",
                        "job.groups[0].tasks[0].artifacts[3].destination: must stay inside the task directory or"
                                + " the allocation's alloc directory (../alloc/), got \"local/../../../outside\"",
                        "job.groups[0].tasks[0].artifacts[4]: must be an object");
    }

    @Test
    void modeFileNeedsAFilePathAndTakesNoMultiFileArchive() {
        assertThat(ArtifactSpec.builder("https://example.com/a.zip")
                        .mode(ArtifactSpec.Mode.FILE)
                        .archive("zip")
                        .problems())
                .extracting(ValidationProblem::toString)
                .containsExactly(
                        "destination: mode file needs the file's path, e.g. local/app.jar, got \"local/\"",
                        "options.archive: mode file takes one file: a zip archive needs mode dir or any (or archive ="
                                + " false to keep it whole)");
    }

    @Test
    void interpolatedTextIsCheckedOnlyOnceExpanded() {
        assertThat(ArtifactSpec.builder("${NOMAD_META_url}")
                        .destination("${NOMAD_TASK_DIR}/bin")
                        .checksum("${NOMAD_META_sum}")
                        .problems())
                .isEmpty();
    }

    @Test
    void theNomadArtifactBlockIsMapped() {
        JobSpec job = parser.parse("""
                job "web" {
                  group "g" {
                    task "t" {
                      driver = "raw_exec"
                      config { command = "/bin/true" }
                      artifact {
                        source      = "https://example.com/app.tar.gz"
                        destination = "local/app"
                        options {
                          checksum = "%s"
                          archive  = false
                        }
                        headers {
                          X-Token = "abc"
                        }
                      }
                      artifact {
                        source = "https://example.com/run.sh"
                        mode   = "file"
                        destination = "local/run.sh"
                      }
                    }
                  }
                }
                """.formatted(SHA256));

        assertThat(job.groups().get(0).tasks().get(0).artifacts())
                .containsExactly(
                        ArtifactSpec.builder("https://example.com/app.tar.gz")
                                .destination("local/app")
                                .checksum(SHA256)
                                .archive("false")
                                .headers(Map.of("X-Token", "abc"))
                                .build(),
                        ArtifactSpec.builder("https://example.com/run.sh")
                                .mode(ArtifactSpec.Mode.FILE)
                                .destination("local/run.sh")
                                .build());
    }

    @Test
    void nomadArtifactProblemsNameTheBlockOrTheModelPath() {
        assertThat(problems("""
                        job "web" {
                          group "g" {
                            task "t" {
                              driver = "raw_exec"
                              config { command = "/bin/true" }
                              artifact {
                                source = "s3::https://s3.amazonaws.com/bucket/app"
                                chown  = true
                                mode   = "tree"
                              }
                            }
                          }
                        }
                        """))
                .containsExactly(
                        "job.groups[0].tasks[0].artifacts[0].mode: must be \"any\", \"file\" or \"dir\", got \"tree\"",
                        "job.groups[0].tasks[0].artifacts[0].source: \"s3::\" sources are not supported: only http,"
                                + " https, git (git::URL) and local files",
                        "job.web.group.g.task.t.artifact.chown: not supported yet");
    }
}
