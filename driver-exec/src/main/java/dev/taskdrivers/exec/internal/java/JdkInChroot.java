package dev.taskdrivers.exec.internal.java;

import java.nio.file.Path;
import java.util.Map;

/** Makes the JDK visible inside a task's chroot. */
final class JdkInChroot {
    private JdkInChroot() {}

    /**
     * The path of {@code java} inside the chroot. When no bind of {@code binds} (host path to chroot path) holds the
     * JDK's home, its home is added to them, bound at the same path.
     */
    static String javaPath(Jdk jdk, Map<String, String> binds) {
        Path bestSource = null;
        for (String source : binds.keySet()) {
            Path s = Path.of(source);
            if (jdk.home().startsWith(s) && (bestSource == null || s.getNameCount() > bestSource.getNameCount())) {
                bestSource = s;
            }
        }
        if (bestSource == null) {
            binds.put(jdk.home().toString(), jdk.home().toString());
            return jdk.java().toString();
        }
        return Path.of(binds.get(bestSource.toString()))
                .resolve(bestSource.relativize(jdk.java()))
                .toString();
    }
}
