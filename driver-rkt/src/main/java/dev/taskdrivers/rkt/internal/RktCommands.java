package dev.taskdrivers.rkt.internal;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The rkt argument lists the driver runs. Every value is one list element: nothing is parsed by a shell. */
final class RktCommands {

    private RktCommands() {}

    static List<String> version(String rkt) {
        return List.of(rkt, "version");
    }

    static List<String> trust(String rkt, String prefix) {
        return List.of(rkt, "trust", "--skip-fingerprint-review=true", "--prefix=" + prefix);
    }

    static List<String> prepare(String rkt, TaskConfig task, RktTaskConfig config) {
        List<String> argv = globals(rkt, config);
        argv.add("prepare");
        argv.add("--quiet");
        argv.add("--memory=" + task.resources().memoryMb() + "M");
        argv.add("--cpu=" + task.resources().cpuMhz() + "m");
        for (int i = 0; i < config.volumes().size(); i++) {
            String[] parts = config.volumes().get(i).split(":", 2);
            String name = task.id().taskName() + "-vol" + i;
            argv.add("--volume=" + name + ",kind=host,source=" + parts[0]);
            argv.add("--mount=volume=" + name + ",target=" + parts[1]);
        }
        for (Map.Entry<String, String> port : config.portMap().entrySet()) {
            Port host = task.resources().port(port.getKey()).orElseThrow();
            argv.add("--port=" + port.getValue() + ":" + host.hostIp() + ":" + host.value());
        }
        argv.add(config.image());
        task.env().forEach((key, value) -> argv.add("--set-env=" + key + "=" + value));
        if (config.command() != null) {
            argv.add("--exec=" + config.command());
        }
        if (!config.args().isEmpty()) {
            argv.add("--");
            argv.addAll(config.args());
            argv.add("---");
        }
        return argv;
    }

    static List<String> runPrepared(String rkt, RktTaskConfig config, String uuid) {
        List<String> argv = globals(rkt, config);
        argv.add("run-prepared");
        if (!config.net().isEmpty()) {
            argv.add("--net=" + String.join(",", config.net()));
        }
        config.dnsServers().forEach(dns -> argv.add("--dns=" + dns));
        config.dnsSearchDomains().forEach(domain -> argv.add("--dns-search=" + domain));
        argv.add(uuid);
        return argv;
    }

    static List<String> statusJson(String rkt, String uuid) {
        return List.of(rkt, "status", "--format=json", uuid);
    }

    static List<String> status(String rkt, String uuid) {
        return List.of(rkt, "status", uuid);
    }

    static List<String> enter(String rkt, String uuid, List<String> command) {
        List<String> argv = new ArrayList<>(List.of(rkt, "enter", uuid));
        argv.addAll(command);
        return argv;
    }

    static List<String> stop(String rkt, String uuid, boolean force) {
        return force ? List.of(rkt, "stop", "--force=true", uuid) : List.of(rkt, "stop", uuid);
    }

    static List<String> rm(String rkt, String uuid) {
        return List.of(rkt, "rm", uuid);
    }

    private static List<String> globals(String rkt, RktTaskConfig config) {
        List<String> argv = new ArrayList<>(List.of(rkt));
        if (config.debug()) {
            argv.add("--debug");
        }
        if (!config.insecureOptions().isEmpty()) {
            argv.add("--insecure-options=" + String.join(",", config.insecureOptions()));
        }
        return argv;
    }
}
