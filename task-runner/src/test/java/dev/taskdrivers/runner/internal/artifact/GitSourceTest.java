package dev.taskdrivers.runner.internal.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The git source forms go-getter reads, their options and what may be shown of them. */
class GitSourceTest {
    private static final String KEY = Base64.getEncoder()
            .encodeToString("-----BEGIN OPENSSH PRIVATE KEY-----\n".getBytes(StandardCharsets.UTF_8));

    private static GitSource git(String source) {
        ArtifactSource.Parsed parsed = ArtifactSource.parse(source);
        assertThat(parsed.problem()).as(source).isEmpty();
        assertThat(parsed.source()).containsInstanceOf(GitSource.class);
        return (GitSource) parsed.source().orElseThrow();
    }

    private static String problem(String source) {
        return ArtifactSource.parse(source).problem();
    }

    @Test
    void forcedGitTakesHttpHttpsSshAndGitUrls() {
        GitSource https = git("git::https://example.com/org/repo.git?ref=v1.2.0&depth=1");
        assertThat(https.remote()).isEqualTo("https://example.com/org/repo.git");
        assertThat(https.ref()).contains("v1.2.0");
        assertThat(https.depth()).isEqualTo(1);
        assertThat(https.subdir()).isEmpty();
        assertThat(https.local()).isFalse();

        assertThat(git("git::http://127.0.0.1:8080/repo.git").remote()).isEqualTo("http://127.0.0.1:8080/repo.git");
        assertThat(git("GIT::ssh://git@example.com:2222/org/repo.git").remote())
                .isEqualTo("ssh://git@example.com:2222/org/repo.git");
        assertThat(git("git::git://example.com/repo.git").remote()).isEqualTo("git://example.com/repo.git");
    }

    @Test
    void scpLikeAddressesAreGitWithOrWithoutTheForcedPrefix() {
        GitSource scp = git("git@github.com:org/repo.git?ref=main");
        assertThat(scp.remote()).isEqualTo("git@github.com:org/repo.git");
        assertThat(scp.ref()).contains("main");
        assertThat(git("git::deploy@example.com:org/repo.git").remote()).isEqualTo("deploy@example.com:org/repo.git");
    }

    @Test
    void gitHubAndGitLabPathsAreDetectedAsGitOverHttpsWithTheRestAsSubdirectory() {
        GitSource gh = git("github.com/hashicorp/go-set");
        assertThat(gh.remote()).isEqualTo("https://github.com/hashicorp/go-set.git");
        assertThat(gh.subdir()).isEmpty();

        GitSource sub = git("github.com/org/repo.git/deploy/nomad?ref=abc");
        assertThat(sub.remote()).isEqualTo("https://github.com/org/repo.git");
        assertThat(sub.subdir()).isEqualTo("deploy/nomad");
        assertThat(sub.ref()).contains("abc");

        assertThat(git("gitlab.com/inkscape/inkscape").remote()).isEqualTo("https://gitlab.com/inkscape/inkscape.git");
        assertThat(problem("github.com/only-org")).isEqualTo("must name a repository, as in github.com/ORG/REPO");
    }

    @Test
    void aDoubleSlashSelectsASubdirectoryBeforeTheQuery() {
        GitSource s = git("git::https://example.com/repo.git//charts/app?ref=v2");
        assertThat(s.remote()).isEqualTo("https://example.com/repo.git");
        assertThat(s.subdir()).isEqualTo("charts/app");
        assertThat(s.ref()).contains("v2");

        assertThat(problem("git::https://example.com/repo.git//../up"))
                .isEqualTo("subdirectory \"../up\" must stay inside the repository");
        assertThat(problem("git::https://example.com/repo.git//test-*"))
                .isEqualTo("subdirectory \"test-*\": glob patterns are not supported, name the directory");
    }

    @Test
    void localRepositoriesAreMarkedLocal() {
        GitSource url = git("git::file:///srv/repos/app.git?ref=main");
        assertThat(url.remote()).isEqualTo("file:///srv/repos/app.git");
        assertThat(url.local()).isTrue();

        GitSource path = git("git::/srv/repos/app.git//sub");
        assertThat(path.remote()).isEqualTo("file:///srv/repos/app.git");
        assertThat(path.subdir()).isEqualTo("sub");
        assertThat(path.local()).isTrue();
    }

    @Test
    void badQueryOptionsAndAddressesAreNamed() {
        assertThat(problem("git::https://example.com/r.git?depth=0"))
                .isEqualTo("query parameter depth must be a positive number of commits, got \"0\"");
        assertThat(problem("git::https://example.com/r.git?ref=--upload-pack=evil"))
                .isEqualTo("query parameter ref must be a branch, tag or commit name (no spaces, not starting with -)");
        assertThat(problem("git::https://example.com/r.git?sshkey=!!!"))
                .isEqualTo(
                        "query parameter sshkey must be a base64-encoded private key (as base64 -w0 FILE writes it)");
        assertThat(problem("git::https://example.com/r.git?rev=1"))
                .isEqualTo("query parameter rev not supported for git sources: the options are ref, depth and sshkey");
        assertThat(problem("git::relative/repo"))
                .startsWith("git needs an http, https, ssh or git URL, an address like git@host:org/repo.git");
        assertThat(problem("ssh://git@example.com/org/repo.git"))
                .isEqualTo("\"ssh://\" sources without git:: are not supported: only http, https, git (git::URL) and"
                        + " local files");
        assertThat(problem("bitbucket.org/org/repo")).startsWith("bitbucket.org sources (git or hg");
    }

    @Test
    void optionsOfTheArtifactOverrideTheQuery() {
        GitSource s = git("git::https://example.com/r.git?ref=v1").withOptions(Map.of("ref", "v2", "depth", "3"));
        assertThat(s.ref()).contains("v2");
        assertThat(s.depth()).isEqualTo(3);
    }

    @Test
    void credentialsAndTheQueryNeverShow() {
        String source = "git::https://deploy:s3cr3t@example.com/org/repo.git?ref=v1&sshkey=" + KEY;
        GitSource s = git(source);

        assertThat(ArtifactSource.display(source)).isEqualTo("git::https://example.com/org/repo.git?<redacted>");
        assertThat(s.toString()).doesNotContain("s3cr3t").doesNotContain(KEY).contains("example.com/org/repo.git");
        assertThat(ArtifactSource.display("https://user:pa/ss@example.com/x")).isEqualTo("https://example.com/x");
        assertThat(ArtifactSource.display("git@github.com:org/repo.git?sshkey=" + KEY))
                .isEqualTo("git@github.com:org/repo.git?<redacted>");
        assertThat(GitCommand.scrub("fatal: unable to access 'https://deploy:s3cr3t@example.com/org/repo.git/': 403"))
                .isEqualTo("fatal: unable to access 'https://example.com/org/repo.git/': 403");
    }

    @Test
    void theArtifactSpecChecksGitOptionsAndModeAndMasksTheKey() {
        ArtifactSpec ok = ArtifactSpec.builder("git::https://example.com/r.git")
                .destination("local/repo")
                .options(Map.of("ref", "main", "depth", "1", "sshkey", KEY))
                .build();
        assertThat(ok.toString()).doesNotContain(KEY).contains("sshkey=<redacted>");

        assertThat(ArtifactSpec.builder("git::https://example.com/r.git")
                        .mode(ArtifactSpec.Mode.FILE)
                        .destination("local/x")
                        .options(Map.of("depth", "x", "checksum", "sha256:00"))
                        .headers(Map.of("Authorization", "token"))
                        .problems())
                .extracting(ValidationProblem::toString)
                .containsExactly(
                        "headers: git sends no headers: put credentials in the URL's user info or use sshkey",
                        "mode: mode file takes one file, and a git source is a directory: use mode dir or any",
                        "options.checksum: not supported for git sources: the options are ref, depth and sshkey",
                        "options.depth: must be a positive number of commits, got \"x\"");
        assertThat(ArtifactSpec.builder("https://example.com/app.tar.gz")
                        .options(Map.of("ref", "main"))
                        .problems())
                .extracting(ValidationProblem::toString)
                .containsExactly("options.ref: applies to git sources only");
    }
}
