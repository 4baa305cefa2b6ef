package dev.taskdrivers.runner.real;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Job files of one group "g" whose raw_exec task "web" serves its task directory on the group port "http" with
 * busybox httpd, for checks of that port and check_restart: the group restarts the task a number of times, 100ms
 * apart, then fails it.
 */
final class HttpdJob {
    private HttpdJob() {}

    /**
     * The job {@code job}: each start of "web" runs the shell command {@code onStart} (say, writes the file its check
     * asks for), then serves; {@code services} are its service blocks; {@code morePorts}, more ports of the group.
     */
    static String text(String job, int restartAttempts, String onStart, String services, String... morePorts) {
        String ports = Arrays.stream(morePorts)
                .map(p -> "\n      port \"" + p + "\" {}")
                .collect(Collectors.joining());
        return """
                job "%s" {
                  group "g" {
                    network {
                      port "http" {}%s
                    }
                    restart {
                      attempts = %d
                      interval = "10m"
                      delay    = "100ms"
                      mode     = "fail"
                    }
                    task "web" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/sh"
                        args = ["-c", "%s; exec /bin/busybox httpd -f -p 127.0.0.1:$NOMAD_PORT_http -h $NOMAD_TASK_DIR"]
                      }
                %s
                    }
                  }
                }
                """.formatted(
                        job, ports, restartAttempts, onStart, services.indent(4).stripTrailing());
    }
}
