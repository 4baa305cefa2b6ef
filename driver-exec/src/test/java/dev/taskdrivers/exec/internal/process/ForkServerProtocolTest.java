package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.hostprocess.ProcStat;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fork server's protocol, spoken byte by byte to a real server: numbered reply lines, an error for each malformed
 * request, and a server that goes on serving after one.
 */
class ForkServerProtocolTest {
    private static final Duration TIMEOUT = LaunchedTasks.TIMEOUT;

    @TempDir
    Path dir;

    private Process server;
    private OutputStream requests;
    private InputStream replies;
    private final List<Long> tasks = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        Optional<Path> perl = ForkServerLauncher.findPerl();
        RealEnvironment.require(perl.isPresent(), "perl (perl-base)");
        Path script = SupervisorScript.installForkServer(dir.resolve("bin"));
        ProcessBuilder builder = new ProcessBuilder(ForkServer.command(perl.orElseThrow(), script))
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("server.log").toFile()));
        builder.environment().clear();
        server = builder.start();
        requests = server.getOutputStream();
        replies = server.getInputStream();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server == null) {
            return;
        }
        for (long pid : tasks) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        requests.close();
        assertThat(server.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("the server ends")
                .isTrue();
    }

    @Test
    void aRunRequestIsAnsweredWithItsNumberAndThePidOfATaskTheServerForked() throws Exception {
        LaunchSpec spec = spec("t", List.of("/bin/sh", "-c", "echo started; exit 3"));
        send(ForkServer.encode(spec));

        String reply = reply();
        assertThat(reply).matches("1 task \\d+");
        long pid = Long.parseLong(reply.substring("1 task ".length()));
        tasks.add(pid);
        await().atMost(TIMEOUT).until(() -> Files.exists(spec.exitFile()));
        assertThat(ExitStatusFile.read(spec.exitFile())).contains(ExitResult.exited(3));
        assertThat(Files.readString(spec.stdout())).isEqualTo("started\n");

        send(ForkServer.encode(spec("u", List.of("/bin/true"))));
        assertThat(reply()).as("the second request").startsWith("2 task ");
    }

    @Test
    void everyMalformedRequestGetsAnErrorNamingTheProblemAndTheServerGoesOn() throws Exception {
        LaunchSpec valid = spec("t", List.of("/bin/true"));
        LaunchSpec badCwd = new LaunchSpec(
                valid.argv(),
                valid.env(),
                dir.resolve("missing"),
                valid.stdout(),
                valid.stderr(),
                valid.stateDir(),
                valid.exitFile());
        byte[] badUser = frame("run\0" + valid.exitFile() + "\0" + valid.stdout() + "\0" + valid.stderr() + "\0" + dir
                + "\0root\0" + "0\0" + "0\0" + "1\0/bin/true");
        send(
                frame("bogus\0x"),
                ascii("not a length\n"),
                frame("run\0only\0two"),
                ascii("0\n"),
                badUser,
                frame("run\0a\0b\0c\0" + dir + "\0\0" + "0\0" + "0\0" + "5\0/bin/true"),
                ForkServer.encode(badCwd),
                ascii("12345678901"),
                ascii("2\n"),
                ForkServer.encode(valid));

        assertThat(reply()).isEqualTo("1 error malformed request: unknown kind 'bogus'");
        assertThat(reply()).isEqualTo("2 error malformed request: expected its length in digits and a newline");
        assertThat(reply()).isEqualTo("3 error malformed request");
        assertThat(reply()).isEqualTo("4 error malformed request: unknown kind ''");
        assertThat(reply()).as("a user that is no uid:gid:groups").isEqualTo("5 error malformed request");
        assertThat(reply()).as("fewer arguments than ARGC").isEqualTo("6 error malformed request");
        assertThat(reply())
                .isEqualTo("7 error cannot enter working directory " + dir.resolve("missing") + ": not a directory");
        // eleven digits cannot be a length: the line up to its newline ("...8901" "2\n") is skipped
        assertThat(reply()).isEqualTo("8 error malformed request: expected its length in digits and a newline");
        String last = reply();
        assertThat(last).as("the valid request after them all").startsWith("9 task ");
        tasks.add(Long.parseLong(last.substring("9 task ".length())));
        await().atMost(TIMEOUT).until(() -> Files.exists(valid.exitFile()));
        assertThat(ExitStatusFile.read(valid.exitFile())).contains(ExitResult.exited(0));
    }

    @Test
    void aRequestLongerThanTheLimitIsRefusedAndItsBytesSkipped() throws Exception {
        byte[] huge = ascii((16 << 20) + 1 + "\n");
        send(huge);
        assertThat(reply()).isEqualTo("1 error malformed request: 16777217 bytes, more than 16777216");
        // the claimed bytes are skipped, whatever they hold; then requests are read again
        byte[] filler = new byte[(16 << 20) + 1];
        java.util.Arrays.fill(filler, (byte) '7');
        send(filler, ForkServer.encode(spec("t", List.of("/bin/true"))));
        String reply = reply();
        assertThat(reply).startsWith("2 task ");
        tasks.add(Long.parseLong(reply.substring("2 task ".length())));
    }

    @Test
    void theServerForksItsTasksAsItsOwnChildren() throws Exception {
        send(ForkServer.encode(spec("t", List.of("/bin/sleep", "600"))));
        String reply = reply();
        long pid = Long.parseLong(reply.substring("1 task ".length()));
        tasks.add(pid);
        await().atMost(TIMEOUT)
                .until(() -> ProcStat.read(pid).map(ProcStat::ppid).orElse(0L) == server.pid());
    }

    private LaunchSpec spec(String name, List<String> argv) {
        return new LaunchSpec(
                argv,
                java.util.Map.of("PATH", "/usr/bin:/bin"),
                dir,
                dir.resolve(name + ".out"),
                dir.resolve(name + ".err"),
                dir.resolve("state").resolve(name),
                dir.resolve(name + ".exit"));
    }

    private static byte[] frame(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        byte[] header = ascii(bytes.length + "\n");
        byte[] framed = new byte[header.length + bytes.length];
        System.arraycopy(header, 0, framed, 0, header.length);
        System.arraycopy(bytes, 0, framed, header.length, bytes.length);
        return framed;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private void send(byte[]... parts) throws IOException {
        for (byte[] part : parts) {
            requests.write(part);
        }
        requests.flush();
    }

    /** The next reply line, within the timeout. */
    private String reply() throws Exception {
        String line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return ReplyLines.readLine(replies);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(line).as("a reply before the server's output ended").isNotNull();
        return line;
    }
}
