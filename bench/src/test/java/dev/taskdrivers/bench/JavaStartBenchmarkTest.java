package dev.taskdrivers.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JavaStartBenchmarkTest {
    @Test
    void theCommandByHandLeadsASessionOfItsOwnAsTheDriversTaskDoes() throws Exception {
        Process p = new ProcessBuilder(JavaStartBenchmark.inOwnSession(List.of("sleep", "30"))).start();
        try {
            long pid = p.pid();

            assertThat(session(pid)).isEqualTo(pid);
            assertThat(session(pid))
                    .isNotEqualTo(session(ProcessHandle.current().pid()));
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The session id: the sixth field of /proc/PID/stat, counted after the command name. */
    private static long session(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[3]);
    }
}
