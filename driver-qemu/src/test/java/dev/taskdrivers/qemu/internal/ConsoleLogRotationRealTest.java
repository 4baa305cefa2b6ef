package dev.taskdrivers.qemu.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.LogStream;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.hostprocess.LogRotator;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real guest's serial console, on qemu's stdout, lands in the task's stdout log files, rotated by the task's
 * {@code logs} limits while the VM runs. The files are small (16 KiB, a size in bytes the API allows besides whole
 * MiB) so that a guest whose console writes about 150 KB/s under TCG fills many of them in about a second.
 */
@Tag("real")
class ConsoleLogRotationRealTest {
    private static final String TASK = "console";
    private static final int LINES = 2000;
    private static final long MAX_FILE_BYTES = 16 * 1024;
    private static final int MAX_FILES = 3;
    private static final Pattern LOG_FILE = Pattern.compile(Pattern.quote(TASK) + "\\.stdout\\.(\\d+)");

    @TempDir
    Path root;

    private QemuGuests guests;

    @BeforeEach
    void requireQemu() {
        guests = new QemuGuests(root);
        RealEnvironment.require(
                TestGuest.writesConsoleLines(),
                "test guests in " + TestGuest.DIR + " that write numbered console lines (built by this checkout's"
                        + " scripts/services/qemu-guest.sh)");
    }

    @AfterEach
    void cleanUp() throws IOException {
        guests.cleanUpAndCheck();
    }

    @Test
    void theConsoleIsRotatedIntoAtMostMaxFilesOfAtMostMaxFileSizeWithNoLineLostOrDoubledInThem() throws Exception {
        LogConfig logs = LogConfig.builder()
                .maxFiles(MAX_FILES)
                .maxFileSizeBytes(MAX_FILE_BYTES)
                .build();
        TaskConfig task = TestGuest.consoleTask(root, TASK, TestGuest.diskWithPage(root, "console guest"), LINES, logs);
        Path logsDir = task.dirs().logsDir();
        StartResult started = guests.start(task);

        String lastLine = TestGuest.consoleLine(LINES);
        await("the guest's last line in the kept log files")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> kept(logsDir).map(k -> k.text().endsWith(lastLine)).orElse(false));
        // The guest writes faster than one file per rotation round: the round after it stopped must still catch up.
        await("the file being written back under max_file_size within a rotation round or two")
                .atMost(LogRotator.INTERVAL.multipliedBy(3))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(kept(logsDir).map(Kept::sizes))
                        .hasValueSatisfying(
                                sizes -> assertThat(sizes.lastEntry().getValue())
                                        .as("bytes of the kept stdout files by index: %s", sizes)
                                        .isLessThan(MAX_FILE_BYTES)));

        QemuGuests.Told stopped = guests.stop(started.handle(), Duration.ofSeconds(5), 30);
        assertThat(stopped.exit()).isEqualTo(ExitResult.signaled(15));

        // Nothing writes or rotates now.
        Kept kept = kept(logsDir).orElseThrow();
        int newest = kept.sizes().lastKey();
        assertThat(newest).as("rotations of the stdout log").isGreaterThanOrEqualTo(5);
        assertThat(kept.sizes().keySet())
                .as("the stdout files kept: the newest and the max_files - 1 before it")
                .containsExactlyElementsOf(IntStream.rangeClosed(newest - MAX_FILES + 1, newest)
                        .boxed()
                        .toList());
        assertThat(kept.sizes().values())
                .as("bytes in each kept file")
                .allSatisfy(size -> assertThat(size).isPositive().isLessThanOrEqualTo(MAX_FILE_BYTES));
        assertThat(LogStream.STDOUT.rotatingFile(logsDir, TASK)).doesNotExist();

        // The oldest kept file starts where a rotation cut, mostly inside a line: its first bytes are that line's end.
        String text = kept.text();
        int firstFull = text.indexOf('\n') + 1;
        String cut = text.substring(0, firstFull);
        List<String> lines = Arrays.asList(text.substring(firstFull).split("(?<=\n)"));
        assertThat(lines)
                .as("whole lines after the first cut")
                .allSatisfy(line -> assertThat(line).matches("line \\d{7} x{90}\r\n"));
        List<Integer> numbers = lines.stream()
                .map(line -> Integer.parseInt(line.substring(5, 12)))
                .toList();
        int first = numbers.get(0);
        assertThat(first)
                .as("first whole line kept: the ones before were rotated out")
                .isGreaterThan(1);
        assertThat(numbers)
                .as("line numbers in the kept files, oldest first")
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(first, LINES).boxed().toList());
        assertThat(TestGuest.consoleLine(first - 1))
                .as("the line the oldest kept file starts inside")
                .endsWith(cut);
    }

    /** The stdout files kept, by index, and their text oldest first. */
    private record Kept(TreeMap<Integer, Long> sizes, String text) {}

    /** The stdout files as they are, or empty while a rotation is under way or a file went away while read. */
    private static Optional<Kept> kept(Path logsDir) throws IOException {
        if (!Files.isDirectory(logsDir) || Files.exists(LogStream.STDOUT.rotatingFile(logsDir, TASK))) {
            return Optional.empty();
        }
        TreeMap<Integer, Path> files = new TreeMap<>();
        try (Stream<Path> listed = Files.list(logsDir)) {
            listed.forEach(p -> {
                Matcher m = LOG_FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    files.put(Integer.parseInt(m.group(1)), p);
                }
            });
        }
        if (files.isEmpty()) {
            return Optional.empty();
        }
        TreeMap<Integer, Long> sizes = new TreeMap<>();
        List<byte[]> contents = new ArrayList<>();
        for (var file : files.entrySet()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file.getValue());
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
            sizes.put(file.getKey(), (long) bytes.length);
            contents.add(bytes);
        }
        StringBuilder text = new StringBuilder();
        contents.forEach(b -> text.append(new String(b, StandardCharsets.US_ASCII)));
        return Optional.of(new Kept(sizes, text.toString()));
    }
}
