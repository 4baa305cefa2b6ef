package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.exec.internal.process.SupervisedTask;
import dev.taskdrivers.exec.internal.process.TaskUser;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a later runner needs to reattach to an exec task: the supervised process, its cgroup and chroot, and how it
 * was isolated.
 *
 * @param supervised the supervisor's view of the task
 * @param cgroupPath the task's cgroup below the hierarchy roots
 * @param root the task's chroot on the host
 * @param pidMode its pid namespace mode
 * @param ipcMode its ipc namespace mode
 * @param user who it runs as
 * @param leaderIsInit whether the supervised process is the task's init (tini) itself, as under the fork server;
 *        under a shell supervisor it is {@code unshare}, whose child is the init
 */
record TaskState(
        SupervisedTask supervised,
        String cgroupPath,
        Path root,
        NamespaceMode pidMode,
        NamespaceMode ipcMode,
        TaskUser user,
        boolean leaderIsInit) {

    Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>(supervised.toMap());
        map.put("cgroup", cgroupPath);
        map.put("root", root.toString());
        map.put("pid_mode", pidMode.name());
        map.put("ipc_mode", ipcMode.name());
        map.putAll(user.toMap());
        map.put("leader", leaderIsInit ? "init" : "unshare");
        return map;
    }

    /**
     * @throws IllegalArgumentException naming the missing or malformed key
     */
    static TaskState fromMap(Map<String, String> map) {
        try {
            return new TaskState(
                    SupervisedTask.fromMap(map),
                    value(map, "cgroup"),
                    Path.of(value(map, "root")),
                    NamespaceMode.valueOf(value(map, "pid_mode")),
                    NamespaceMode.valueOf(value(map, "ipc_mode")),
                    TaskUser.fromMap(map),
                    // states written before the fork server isolated tasks have no "leader": unshare led them
                    "init".equals(map.get("leader")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String value(Map<String, String> map, String key) {
        String value = map.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return value;
    }
}
