package dev.taskdrivers.exec.internal.raw;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A minimal runner for {@link RunnerCrashRecoveryTest}: starts tasks with raw_exec, persists their handle states,
 * prints READY and waits to be killed.
 *
 * <p>Arguments: root directory, number of tasks, marker value.
 */
public final class CrashingRunnerMain {
    private CrashingRunnerMain() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        String marker = args[2];
        Driver driver = new RawExecDriverFactory().create(DriverContext.of(root.resolve("data")));
        Properties states = new Properties();
        for (int i = 0; i < count; i++) {
            TaskConfig task = task(root, i, marker);
            driver.prestart(task, EventEmitter.NONE);
            TaskHandle handle = driver.start(task, EventEmitter.NONE).handle();
            handle.state().data().forEach((k, v) -> states.setProperty(i(task) + "." + k, v));
        }
        Path temp = root.resolve("states.tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            states.store(out, "handle states");
        }
        Files.move(temp, root.resolve("states.properties"));
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /**
     * Task {@code i}: waits for {@code trigger} in its alloc dir, then exits with {@link #exitCode(int)}: above 128,
     * where a shell's status would read as a signal.
     */
    static TaskConfig task(Path root, int i, String marker) {
        TaskId id = new TaskId("alloc" + i, "crash", "group", 0, "task" + i);
        TaskDirs dirs = TaskDirs.standard(root.resolve("allocs").resolve(id.allocId()), id.taskName());
        try {
            for (Path p : List.of(dirs.allocDir(), dirs.localDir(), dirs.secretsDir(), dirs.logsDir())) {
                Files.createDirectories(p);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> env = TaskEnvironment.builder(id)
                .dirs(dirs)
                .taskEnv(Map.of(RawExecFixture.MARKER, marker))
                .build();
        Map<String, Object> config = Map.of(
                "command",
                "/bin/sh",
                "args",
                List.of("-c", "until [ -e \"$NOMAD_ALLOC_DIR/trigger\" ]; do sleep 0.05; done; exit " + exitCode(i)));
        return new TaskConfig(id, config, env, Resources.defaults(), dirs, null, Duration.ofSeconds(2), null);
    }

    static int exitCode(int i) {
        return 150 + i;
    }

    static String i(TaskConfig task) {
        return task.id().taskName();
    }

    /** The handle state of task {@code i} from the persisted properties. */
    static HandleState state(Properties states, TaskConfig task) {
        String prefix = i(task) + ".";
        Map<String, String> data = new java.util.HashMap<>();
        states.stringPropertyNames().stream()
                .filter(k -> k.startsWith(prefix))
                .forEach(k -> data.put(k.substring(prefix.length()), states.getProperty(k)));
        return new HandleState(RawExecDriverFactory.NAME, RawExecDriver.STATE_VERSION, data);
    }
}
