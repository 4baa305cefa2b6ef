package dev.taskdrivers.qemu.internal;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the qemu argument list for a task. Pure: no files are touched. */
final class QemuCommandLine {

    private QemuCommandLine() {}

    static List<String> build(String qemuPath, TaskConfig task, QemuTaskConfig config, TaskFiles files) {
        List<String> argv = new ArrayList<>();
        argv.add(qemuPath);
        argv.addAll(List.of("-name", task.id().allocId() + "-" + task.id().taskName()));
        argv.addAll(List.of(
                "-machine",
                "type=" + config.machineType() + ",accel="
                        + config.accelerator().configName()));
        argv.addAll(List.of("-m", task.resources().memoryMb() + "M"));
        argv.addAll(
                List.of("-drive", "file=" + escape(config.imagePath().toString()) + ",if=" + config.driveInterface()));
        argv.addAll(List.of("-display", "none"));
        argv.addAll(List.of("-monitor", "unix:" + escape(files.monitorSocket().toString()) + ",server,nowait"));
        argv.addAll(List.of("-pidfile", files.pidFile().toString()));
        if (config.guestAgent()) {
            // the port name qemu-ga looks for, backed by a socket the driver talks to
            argv.addAll(List.of(
                    "-chardev",
                    "socket,path=" + escape(files.agentSocket().toString()) + ",server=on,wait=off,id=qga0"));
            argv.addAll(List.of("-device", "virtio-serial"));
            argv.addAll(List.of("-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"));
        }
        if (!config.portMap().isEmpty()) {
            argv.addAll(List.of("-netdev", userNetwork(task, config.portMap())));
            argv.addAll(List.of("-device", "virtio-net,netdev=user.0"));
        }
        argv.addAll(config.args());
        return argv;
    }

    /** User-mode networking with one tcp and one udp forward per mapped port. */
    private static String userNetwork(TaskConfig task, Map<String, Integer> portMap) {
        StringBuilder netdev = new StringBuilder("user,id=user.0");
        portMap.forEach((label, guestPort) -> {
            Port host = task.resources().port(label).orElseThrow();
            for (String proto : List.of("tcp", "udp")) {
                netdev.append(",hostfwd=")
                        .append(proto)
                        .append(':')
                        .append(host.hostIp())
                        .append(':')
                        .append(host.value())
                        .append("-:")
                        .append(guestPort);
            }
        });
        return netdev.toString();
    }

    /** In QEMU option values a comma separates options; a literal comma is written twice. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }
}
