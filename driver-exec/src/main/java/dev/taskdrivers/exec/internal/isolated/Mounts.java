package dev.taskdrivers.exec.internal.isolated;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Unmounting from the host's namespace, for mounts left behind outside a task's own namespace. */
final class Mounts {
    private static final Logger LOG = LoggerFactory.getLogger(Mounts.class);

    private Mounts() {}

    /** {@code umount -l}: detaches now even when busy; the kernel finishes once nothing uses it. */
    static void unmountLazily(Path mountPoint) {
        try {
            Process p = new ProcessBuilder("umount", "-l", mountPoint.toString())
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                LOG.warn("umount -l {} failed: {}", mountPoint, out.trim());
            }
        } catch (IOException e) {
            LOG.warn("cannot run umount for {}: {}", mountPoint, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
