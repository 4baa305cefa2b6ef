package dev.taskdrivers.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A one-shot job through the command line, process start to exit, against the same work done without it: a docker
 * task running {@code /bin/true} in the local test image through the launcher {@code cli/target/taskdrivers} (with
 * the class-data-sharing archive the build made) against {@code docker run --rm} of the same image and command, and
 * against {@code java -jar cli/target/taskdrivers.jar} without the archive and the launcher's JVM options; then,
 * for information, a raw_exec task of {@code /bin/true} through the launcher against running {@code /bin/true}
 * directly. Each round runs each way once, in rotating order; the figure is the median of the rounds' ratios.
 * {@code -Dbench.cli.dir=DIR} names where the launcher and jar are (default {@code cli/target}, built by
 * {@code mvn -pl bench,cli -am package}).
 */
public final class CliOneshotBenchmark implements Benchmark {
    private static final int ROUNDS = Integer.getInteger("bench.cli.rounds", 8);
    private static final int WARMUP = 1;
    private static final Path CLI_DIR = Path.of(System.getProperty("bench.cli.dir", "cli/target"));

    @Override
    public String name() {
        return "cli-oneshot";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path launcher = CLI_DIR.resolve("taskdrivers").toAbsolutePath();
        Path jar = CLI_DIR.resolve("taskdrivers.jar").toAbsolutePath();
        if (!Files.isExecutable(launcher) || !Files.isRegularFile(jar)) {
            throw new IllegalStateException("no command line in " + CLI_DIR.toAbsolutePath() + ": build it with"
                    + " mvn -B -q -pl bench,cli -am package -DskipTests");
        }
        boolean archive = Files.isRegularFile(CLI_DIR.resolve("taskdrivers.jsa"));
        Path dir = Files.createTempDirectory("bench-cli-oneshot");
        Path dockerJob = Files.writeString(
                dir.resolve("docker.json"),
                job("docker", "{\"image\": \"" + DockerBenchSupport.LOCAL_IMAGE + "\", \"command\": \"/bin/true\"}"));
        Path rawJob = Files.writeString(dir.resolve("raw.json"), job("raw_exec", "{\"command\": \"/bin/true\"}"));
        List<String> viaLauncher = List.of(launcher.toString(), "run", dockerJob.toString());
        List<String> viaPlainJar = List.of("java", "-jar", jar.toString(), "run", dockerJob.toString());
        List<String> viaDocker = List.of("docker", "run", "--rm", DockerBenchSupport.LOCAL_IMAGE, "/bin/true");
        List<String> rawViaLauncher =
                List.of(launcher.toString(), "run", rawJob.toString(), "--driver-opt", "raw_exec.enabled=true");
        List<String> direct = List.of("/bin/true");

        List<List<String>> dockerWays = List.of(viaLauncher, viaDocker, viaPlainJar);
        long[][] docker = rounds(dockerWays);
        long[][] raw = rounds(List.of(rawViaLauncher, direct));

        double toDocker = DockerBenchSupport.median(ratios(docker[0], docker[1]));
        double plainToDocker = DockerBenchSupport.median(ratios(docker[2], docker[1]));
        double rawToDirect = DockerBenchSupport.median(ratios(raw[0], raw[1]));
        String dockerDetail = "medians of " + ROUNDS + " rounds: launcher " + ms(docker[0])
                + (archive ? " (with archive)" : " (NO archive found)") + ", docker run --rm " + ms(docker[1])
                + ", java -jar without archive or options " + ms(docker[2]);
        String rawDetail = "medians of " + ROUNDS + " rounds: launcher " + ms(raw[0]) + ", /bin/true " + ms(raw[1]);
        return List.of(
                new Figure(
                        name(),
                        "one-shot docker job: launcher `run` / `docker run --rm` (median of rounds)",
                        toDocker,
                        "x",
                        "<= 1.5x",
                        toDocker <= 1.5,
                        dockerDetail),
                new Figure(
                        name(),
                        "the same by `java -jar` without archive and options / `docker run --rm`",
                        plainToDocker,
                        "x",
                        "",
                        true,
                        dockerDetail),
                new Figure(
                        name(),
                        "one-shot raw_exec job of /bin/true: launcher `run` / /bin/true run directly",
                        rawToDirect,
                        "x",
                        "",
                        true,
                        rawDetail));
    }

    private static String job(String driver, String config) {
        return "{\"job\": {\"name\": \"oneshot\", \"type\": \"batch\", \"groups\": [{\"name\": \"g\", \"tasks\": ["
                + "{\"name\": \"t\", \"driver\": \"" + driver + "\", \"config\": " + config + "}]}]}}";
    }

    /** Each way's wall time per round (ns); rounds rotate which way goes first. */
    private static long[][] rounds(List<List<String>> ways) throws IOException, InterruptedException {
        long[][] took = new long[ways.size()][ROUNDS];
        for (int i = -WARMUP; i < ROUNDS; i++) {
            for (int k = 0; k < ways.size(); k++) {
                int which = Math.floorMod(i + k, ways.size());
                long t = timed(ways.get(which));
                if (i >= 0) {
                    took[which][i] = t;
                }
            }
        }
        return took;
    }

    /** Wall time of one command from start to exit; a non-zero exit is an error carrying its output. */
    private static long timed(List<String> argv) throws IOException, InterruptedException {
        Path output = Files.createTempFile("bench-cli-oneshot", ".out");
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(argv + " did not finish within 2 minutes");
            }
            long took = System.nanoTime() - t0;
            if (p.exitValue() != 0) {
                throw new IOException(argv + " exited with " + p.exitValue() + ": "
                        + Files.readString(output, StandardCharsets.UTF_8).strip());
            }
            return took;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String ms(long[] nanos) {
        return DockerBenchSupport.ms(DockerBenchSupport.median(nanos));
    }

    private static double[] ratios(long[] a, long[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / (double) b[i];
        }
        return r;
    }
}
