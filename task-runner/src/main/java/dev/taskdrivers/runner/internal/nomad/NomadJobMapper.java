package dev.taskdrivers.runner.internal.nomad;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.hcl.EvaluatedBody;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Maps an evaluated Nomad job file onto the SDK's JSON model tree.
 *
 * <p>Mapped: {@code job "ID"} (its ID, and its name unless {@code name} is given) with {@code type},
 * {@code region}, {@code namespace}, {@code meta} and {@code datacenters} (a single
 * datacenter becomes the job's datacenter, several are left to a scheduler); {@code group "G"} with {@code count},
 * {@code shutdown_delay}, {@code max_run_duration} (batch and sysbatch jobs only), {@code restart}, {@code meta},
 * {@code network}, {@code service} (each given to one task, see
 * {@link NomadGroupServices}), {@code volume "NAME"} and {@code task} blocks; {@code task "T"}
 * with {@code driver}, {@code config}, {@code env}, {@code meta}, {@code user}, {@code leader}, {@code kill_timeout},
 * {@code kill_signal}, {@code shutdown_delay}, {@code lifecycle}, {@code restart}, {@code resources} ({@code cpu}, {@code memory} as {@code memory_mb}, {@code memory_max} as
 * {@code memory_max_mb}, {@code cores}, a
 * {@code network}), {@code volume_mount} and {@code service} blocks with their {@code check} blocks. A {@code port "L"} of a group's
 * network goes to the first task that names it (in its config's {@code ports}, a service or a check), else to the
 * group's first task; its {@code static} is kept, and its {@code to} becomes the docker driver's {@code port_map}.
 * Blocks in {@code config} become objects, or lists of objects when written more than once or named in
 * {@link #REPEATED_CONFIG_BLOCKS}. A job of {@code type} {@code system} runs as a service job and {@code sysbatch} as a
 * batch job, each with a warning.
 *
 * <p>Accepted and ignored, each a warning at its path, because they steer a cluster scheduler or Nomad's servers, which a single runner does
 * not have: {@link #IGNORED_IN_JOB}, {@link #IGNORED_IN_GROUP}, {@link #IGNORED_IN_TASK}, {@link
 * #IGNORED_IN_SERVICE}, a network's {@code mbits}, the resources' {@code disk}, and an {@code ephemeral_disk} or
 * {@code on_update} other than Nomad's default (see {@link NomadDefaults}).
 *
 * <p>Not supported yet, each reported as a problem: {@link #UNSUPPORTED}, a network mode other
 * than {@code host}, a port's {@code host_network}, {@code to} for drivers other than docker, and every name this
 * mapper does not know ({@code unknown}), with the path of the block, e.g. {@code job.web.group.g.task.t.foo}.
 * Unknown names inside {@code config}, {@code restart} and {@code check} are left to the spec parser and the drivers,
 * which report them under the model's own paths.
 */
final class NomadJobMapper {

    static final Set<String> IGNORED_IN_JOB = Set.of(
            "priority",
            "all_at_once",
            "node_pool",
            "consul_token",
            "vault_token",
            "vault_namespace",
            "id",
            "constraint",
            "affinity",
            "spread",
            "update",
            "migrate",
            "reschedule",
            "periodic",
            "parameterized",
            "vault",
            "multiregion",
            "consul",
            "ui");
    static final Set<String> IGNORED_IN_GROUP = Set.of(
            "constraint",
            "affinity",
            "spread",
            "update",
            "migrate",
            "reschedule",
            "scaling",
            "consul",
            "vault",
            "stop_after_client_disconnect",
            "max_client_disconnect",
            "prevent_reschedule_on_lost",
            "disconnect");
    static final Set<String> IGNORED_IN_TASK = Set.of("constraint", "affinity", "vault", "consul", "identity", "kind");
    static final Set<String> IGNORED_IN_SERVICE = Set.of("canary_tags", "canary_meta", "enable_tag_override");
    /** Blocks and attributes that change what a task sees or does, which the SDK does not do yet. */
    static final Set<String> UNSUPPORTED =
            Set.of("dispatch_payload", "csi_plugin", "device", "numa", "connect", "action", "schedule");

    /** Config blocks the drivers read as lists even when written once, e.g. docker's {@code mount}. */
    static final Set<String> REPEATED_CONFIG_BLOCKS = Set.of("mount", "mounts", "devices");

    /** Why a scheduler-level setting is a warning, not a problem. */
    static final String IGNORED =
            "ignored: it steers a cluster scheduler or Nomad's servers; this runner runs every task on its own node";

    private final List<ValidationProblem> problems = new ArrayList<>();
    private final List<ValidationProblem> warnings = new ArrayList<>();

    NomadJobFile.Mapping map(EvaluatedBody file) {
        for (String name : file.attributes().keySet()) {
            problem(name, "unknown: a job file holds job, variable and locals blocks");
        }
        Map<String, Object> job = null;
        for (EvaluatedBody.Block b : file.blocks()) {
            if (!b.type().equals("job")) {
                problem(b.type(), "unknown: a job file holds job, variable and locals blocks");
            } else if (job != null) {
                problem(
                        "job",
                        "a file holds one job block, found another at line "
                                + b.position().line());
            } else if (b.labels().size() != 1) {
                problem("job", "needs exactly one label, its name, as in job \"web\" { ... }");
                job = new LinkedHashMap<>();
            } else {
                job = job(b.labels().get(0), b.body());
            }
        }
        if (job == null && problems.isEmpty()) {
            problem("job", "is required: the file has no job \"NAME\" { ... } block");
        }
        Map<String, Object> root = new LinkedHashMap<>();
        if (job != null) {
            root.put("job", job);
        }
        return new NomadJobFile.Mapping(job == null ? null : root, List.copyOf(problems), List.copyOf(warnings));
    }

    private Map<String, Object> job(String name, EvaluatedBody body) {
        String path = "job." + name;
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("name", name);
        job.put("id", name); // the label is the job's ID; a name attribute changes only its name
        List<Object> groups = new ArrayList<>();
        body.attributes().forEach((key, a) -> {
            switch (key) {
                case "name" -> job.put("name", a.value());
                case "type" -> job.put(key, NomadJobTypes.runAs(path + ".type", a.value(), warnings));
                case "region", "namespace" -> job.put(key, a.value());
                case "meta" -> job.put("meta", texts(a.value()));
                case "datacenters" -> {
                    if (a.value() instanceof List<?> dcs && dcs.size() == 1) {
                        job.put("datacenter", dcs.get(0));
                    } else {
                        ignored(path + ".datacenters");
                    }
                }
                default -> other(path, key, IGNORED_IN_JOB);
            }
        });
        for (EvaluatedBody.Block b : body.blocks()) {
            switch (b.type()) {
                case "group" -> {
                    String group = label(path, b);
                    if (group != null) {
                        groups.add(group(name, path + ".group." + group, group, b.body()));
                    }
                }
                case "meta" -> job.put("meta", texts(attributes(path, b)));
                default -> other(path, b.type(), IGNORED_IN_JOB);
            }
        }
        job.put("groups", groups);
        return job;
    }

    private Map<String, Object> group(String jobName, String path, String name, EvaluatedBody body) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("name", name);
        body.attributes().forEach((key, a) -> {
            switch (key) {
                case "count", "shutdown_delay", "max_run_duration" -> group.put(key, a.value());
                case "meta" -> group.put("meta", texts(a.value()));
                default -> other(path, key, IGNORED_IN_GROUP);
            }
        });
        List<Map<String, Object>> tasks = new ArrayList<>();
        List<Map<String, Object>> services = new ArrayList<>();
        Map<String, Map<String, Object>> ports = new LinkedHashMap<>();
        Map<String, Object> volumes = new LinkedHashMap<>();
        for (EvaluatedBody.Block b : body.blocks()) {
            switch (b.type()) {
                case "volume" -> {
                    String volume = label(path, b);
                    if (volume != null) {
                        volumes.put(volume, volume(path + ".volume." + volume, b.body()));
                    }
                }
                case "task" -> {
                    String task = label(path, b);
                    if (task != null) {
                        tasks.add(task(jobName + "-" + name, path + ".task." + task, task, b.body()));
                    }
                }
                case "restart" -> group.put("restart", attributes(path, b));
                case "meta" -> group.put("meta", texts(attributes(path, b)));
                case "network" -> ports.putAll(network(path + ".network", b.body(), group));
                case "service" -> services.add(service(jobName + "-" + name, path + ".service", b));
                case "ephemeral_disk" -> {
                    if (!NomadDefaults.isDefaultEphemeralDisk(attributes(path, b))) {
                        ignored(path + ".ephemeral_disk");
                    }
                }
                default -> other(path, b.type(), IGNORED_IN_GROUP);
            }
        }
        new NomadGroupServices(problems).giveToTasks(path + ".service", services, tasks);
        new NomadPorts(problems).giveToTasks(path + ".network.port.", ports, tasks);
        if (!volumes.isEmpty()) {
            group.put("volumes", volumes);
        }
        group.put("tasks", tasks);
        return group;
    }

    /** The ports of a network block, label to {@code {"static": N, "to": M}} as written; its mode goes to the group. */
    private Map<String, Map<String, Object>> network(
            String path, EvaluatedBody body, @Nullable Map<String, Object> group) {
        Map<String, Map<String, Object>> ports = new LinkedHashMap<>();
        body.attributes().forEach((key, a) -> {
            switch (key) {
                case "mbits" -> ignored(path + ".mbits");
                case "mode" -> NomadNetworkMode.put(path + ".mode", a.value(), group, problems);
                default -> other(path, key, Set.of());
            }
        });
        for (EvaluatedBody.Block b : body.blocks()) {
            if (!b.type().equals("port")) {
                other(path, b.type(), Set.of());
                continue;
            }
            String label = label(path, b);
            if (label == null) {
                continue;
            }
            String portPath = path + ".port." + label;
            Map<String, Object> port = new LinkedHashMap<>();
            b.body().attributes().forEach((key, a) -> {
                switch (key) {
                    case "static", "to" -> port.put(key, wholeNumber(a.value()));
                    case "host_network" -> problem(portPath + ".host_network", "not supported yet");
                    default -> other(portPath, key, Set.of());
                }
            });
            b.body().blocks().forEach(inner -> other(portPath, inner.type(), Set.of()));
            ports.put(label, port);
        }
        return ports;
    }

    private Map<String, Object> task(String defaultServicePrefix, String path, String name, EvaluatedBody body) {
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("name", name);
        body.attributes().forEach((key, a) -> {
            switch (key) {
                case "driver", "user", "leader", "kill_timeout", "kill_signal", "shutdown_delay" ->
                    task.put(key, a.value());
                case "env", "meta" -> task.put(key, texts(a.value()));
                default -> other(path, key, IGNORED_IN_TASK);
            }
        });
        List<Object> services = new ArrayList<>();
        List<Object> templates = new ArrayList<>();
        List<Object> artifacts = new ArrayList<>();
        List<Object> mounts = new ArrayList<>();
        Map<String, Map<String, Object>> ports = new LinkedHashMap<>();
        for (EvaluatedBody.Block b : body.blocks()) {
            switch (b.type()) {
                case "config" -> {
                    noLabels(path, b);
                    Map<String, Object> config = new LinkedHashMap<>(free(b.body()));
                    if (task.get("config") instanceof Map<?, ?> earlier) {
                        earlier.forEach((k, v) -> config.putIfAbsent((String) k, v));
                    }
                    task.put("config", config);
                }
                case "env", "meta" -> task.put(b.type(), texts(attributes(path, b)));
                case "restart" -> task.put("restart", attributes(path, b));
                case "lifecycle" -> task.put("lifecycle", attributes(path, b));
                case "logs" -> task.put("logs", logs(path + ".logs", b));
                case "resources" -> resources(path + ".resources", b, task, ports);
                case "service" -> services.add(service(defaultServicePrefix + "-" + name, path + ".service", b));
                case "template" -> templates.add(template(path + ".template", b));
                case "artifact" -> artifacts.add(artifact(path + ".artifact", b));
                case "volume_mount" -> mounts.add(volumeMount(path + ".volume_mount", b));
                default -> other(path, b.type(), IGNORED_IN_TASK);
            }
        }
        if (!services.isEmpty()) {
            task.put("services", services);
        }
        if (!templates.isEmpty()) {
            task.put("templates", templates);
        }
        if (!artifacts.isEmpty()) {
            task.put("artifacts", artifacts);
        }
        if (!mounts.isEmpty()) {
            task.put("volume_mounts", mounts);
        }
        NomadPorts placing = new NomadPorts(problems);
        ports.forEach((label, port) -> placing.add(path + ".resources.network.port." + label, task, label, port));
        return task;
    }

    /**
     * A group's {@code volume "NAME"}: its attributes go as written (the spec parser checks them), {@code mount_options}
     * is a block; {@code sticky} steers the scheduler's placement.
     */
    private Map<String, Object> volume(String path, EvaluatedBody body) {
        Map<String, Object> volume = new LinkedHashMap<>();
        body.attributes().forEach((key, a) -> {
            switch (key) {
                case "type", "source", "read_only", "access_mode", "attachment_mode", "per_alloc" ->
                    volume.put(key, a.value());
                case "sticky" -> ignored(path + ".sticky");
                default -> other(path, key, Set.of());
            }
        });
        for (EvaluatedBody.Block b : body.blocks()) {
            if (b.type().equals("mount_options")) {
                volume.put("mount_options", attributes(path, b));
            } else {
                other(path, b.type(), Set.of());
            }
        }
        return volume;
    }

    /** A task's {@code volume_mount}: its attributes go as written; an SELinux label is not supported. */
    private Map<String, Object> volumeMount(String path, EvaluatedBody.Block block) {
        noLabels(path, block);
        Map<String, Object> mount = new LinkedHashMap<>();
        block.body().attributes().forEach((key, a) -> {
            switch (key) {
                case "volume", "destination", "read_only", "propagation_mode" -> mount.put(key, a.value());
                case "selinux_label" -> problem(path + ".selinux_label", "not supported yet");
                default -> other(path, key, Set.of());
            }
        });
        block.body().blocks().forEach(inner -> other(path, inner.type(), Set.of()));
        return mount;
    }

    /**
     * {@code max_files} and {@code max_file_size} go as written; {@code disabled = false} is what happens anyway,
     * while turning collection off is not supported.
     */
    private Map<String, Object> logs(String path, EvaluatedBody.Block block) {
        noLabels(path, block);
        Map<String, Object> logs = new LinkedHashMap<>();
        block.body().attributes().forEach((key, a) -> {
            switch (key) {
                case "max_files", "max_file_size" -> logs.put(key, a.value());
                case "disabled" -> {
                    if (!Boolean.FALSE.equals(a.value())) {
                        problem(path + ".disabled", "turning log collection off is not supported");
                    }
                }
                case "enabled" -> {
                    if (!Boolean.TRUE.equals(a.value())) {
                        problem(path + ".enabled", "turning log collection off is not supported");
                    }
                }
                default -> other(path, key, Set.of());
            }
        });
        block.body().blocks().forEach(inner -> other(path, inner.type(), Set.of()));
        return logs;
    }

    private void resources(
            String path, EvaluatedBody.Block block, Map<String, Object> task, Map<String, Map<String, Object>> ports) {
        noLabels(path, block);
        @SuppressWarnings("unchecked")
        Map<String, Object> resources =
                (Map<String, Object>) task.computeIfAbsent("resources", k -> new LinkedHashMap<>());
        block.body().attributes().forEach((key, a) -> {
            switch (key) {
                case "cpu" -> resources.put("cpu", a.value());
                case "memory" -> resources.put("memory_mb", a.value());
                case "disk" -> ignored(path + ".disk"); // a placement reservation; Nomad enforces no limit either
                case "memory_max" -> resources.put("memory_max_mb", a.value());
                case "cores" -> resources.put("cores", a.value());
                default -> other(path, key, Set.of());
            }
        });
        for (EvaluatedBody.Block b : block.body().blocks()) {
            if (b.type().equals("network")) {
                ports.putAll(network(path + ".network", b.body(), null));
            } else {
                other(path, b.type(), Set.of());
            }
        }
    }

    private Map<String, Object> service(String defaultName, String path, EvaluatedBody.Block block) {
        noLabels(path, block);
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("name", defaultName);
        block.body().attributes().forEach((key, a) -> {
            switch (key) {
                case "name", "port", "tags", "address_mode", "address", "provider" -> service.put(key, a.value());
                case "meta" -> service.put("meta", texts(a.value()));
                case "on_update" -> onUpdate(path + ".on_update", a.value());
                default -> other(path, key, IGNORED_IN_SERVICE);
            }
        });
        List<Object> checks = new ArrayList<>();
        for (EvaluatedBody.Block b : block.body().blocks()) {
            switch (b.type()) {
                case "check" -> checks.add(check(path + ".check", b));
                case "meta" -> service.put("meta", texts(attributes(path, b)));
                case "check_restart" -> service.put("check_restart", attributes(path, b));
                default -> other(path, b.type(), IGNORED_IN_SERVICE);
            }
        }
        if (!checks.isEmpty()) {
            service.put("checks", checks);
        }
        return service;
    }

    /** A template's attributes go as written (the spec parser knows their names); change_script and wait are blocks. */
    private Map<String, Object> template(String path, EvaluatedBody.Block block) {
        noLabels(path, block);
        Map<String, Object> template = new LinkedHashMap<>();
        block.body().attributes().forEach((key, a) -> template.put(key, a.value()));
        for (EvaluatedBody.Block b : block.body().blocks()) {
            if (b.type().equals("change_script") || b.type().equals("wait")) {
                template.put(b.type(), attributes(path, b));
            } else {
                other(path, b.type(), Set.of());
            }
        }
        return template;
    }

    /**
     * An artifact's attributes go as written (the spec parser checks them); {@code options} and {@code headers} may
     * be blocks or maps, their values become text ({@code archive = false} is {@code "false"}). Nomad's
     * {@code chown} is not supported.
     */
    private Map<String, Object> artifact(String path, EvaluatedBody.Block block) {
        noLabels(path, block);
        Map<String, Object> artifact = new LinkedHashMap<>();
        block.body().attributes().forEach((key, a) -> {
            switch (key) {
                case "source", "destination", "mode" -> artifact.put(key, a.value());
                case "options", "headers" -> artifact.put(key, texts(a.value()));
                case "chown" -> problem(path + ".chown", "not supported yet");
                default -> other(path, key, Set.of());
            }
        });
        for (EvaluatedBody.Block b : block.body().blocks()) {
            switch (b.type()) {
                case "options", "headers" -> artifact.put(b.type(), texts(attributes(path, b)));
                default -> other(path, b.type(), Set.of());
            }
        }
        return artifact;
    }

    /**
     * A check's attributes go as written (the spec parser knows their names), but {@code on_update}, which tells a
     * deployment how to count the check, is a warning; {@code header} and {@code check_restart} are blocks.
     */
    private Map<String, Object> check(String path, EvaluatedBody.Block block) {
        noLabels(path, block);
        Map<String, Object> check = new LinkedHashMap<>();
        block.body().attributes().forEach((key, a) -> {
            if (key.equals("on_update")) {
                onUpdate(path + ".on_update", a.value());
            } else {
                check.put(key, a.value());
            }
        });
        for (EvaluatedBody.Block b : block.body().blocks()) {
            if (b.type().equals("header") || b.type().equals("check_restart")) {
                check.put(b.type(), attributes(path, b));
            } else {
                other(path, b.type(), Set.of());
            }
        }
        return check;
    }

    /** How a deployment counts a check: a warning, unless written as Nomad's default, which changes nothing. */
    private void onUpdate(String path, Object value) {
        if (!NomadDefaults.isDefaultOnUpdate(value)) {
            ignored(path);
        }
    }

    /** A body of attributes only, e.g. meta or restart; a nested block is unknown. */
    private Map<String, Object> attributes(String parent, EvaluatedBody.Block block) {
        String path = parent + "." + block.type();
        noLabels(parent, block);
        block.body()
                .blocks()
                .forEach(b -> problem(path + "." + b.type(), "unknown: " + block.type() + " holds only attributes"));
        Map<String, Object> values = new LinkedHashMap<>();
        block.body().attributes().forEach((key, a) -> values.put(key, a.value()));
        return values;
    }

    /** A driver's config as the driver reads JSON: nested blocks are objects, or lists when written more than once. */
    private static Map<String, Object> free(EvaluatedBody body) {
        Map<String, Object> values = new LinkedHashMap<>();
        body.attributes().forEach((key, a) -> values.put(key, a.value()));
        Map<String, List<Object>> blocks = new LinkedHashMap<>();
        for (EvaluatedBody.Block b : body.blocks()) {
            Object value = free(b.body());
            for (int i = b.labels().size() - 1; i >= 0; i--) {
                value = Map.of(b.labels().get(i), value);
            }
            blocks.computeIfAbsent(b.type(), k -> new ArrayList<>()).add(value);
        }
        blocks.forEach((type, list) ->
                values.put(type, list.size() == 1 && !REPEATED_CONFIG_BLOCKS.contains(type) ? list.get(0) : list));
        return values;
    }

    /** A port number written as text, {@code "8080"}, is the number, as Nomad converts it; anything else as written. */
    private static Object wholeNumber(Object value) {
        if (value instanceof String text && text.matches("[0-9]{1,9}")) {
            return Long.parseLong(text);
        }
        return value;
    }

    /** Nomad keeps env and meta values as text: numbers and booleans become their text, as Nomad's would. */
    private static Object texts(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return value; // the spec parser reports the wrong shape
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put((String) k, v instanceof Number || v instanceof Boolean ? v.toString() : v));
        return out;
    }

    private @Nullable String label(String parent, EvaluatedBody.Block b) {
        if (b.labels().size() != 1) {
            problem(
                    parent + "." + b.type(),
                    "needs exactly one label, its name, as in " + b.type() + " \"name\" { ... } (line "
                            + b.position().line() + ")");
            return null;
        }
        return b.labels().get(0);
    }

    private void noLabels(String parent, EvaluatedBody.Block b) {
        if (!b.labels().isEmpty()) {
            problem(
                    parent + "." + b.type(),
                    "takes no label, found \"" + b.labels().get(0) + "\"");
        }
    }

    /** A name the mapper does not map: ignored when the scheduler's business, else a problem. */
    private void other(String parent, String name, Set<String> ignored) {
        if (ignored.contains(name)) {
            ignored(parent + "." + name);
            return;
        }
        if (UNSUPPORTED.contains(name)) {
            problem(parent + "." + name, "not supported yet");
        } else {
            problem(parent + "." + name, "unknown");
        }
    }

    private void ignored(String path) {
        warnings.add(new ValidationProblem(path, IGNORED));
    }

    private void problem(String path, String message) {
        problems.add(new ValidationProblem(path, message));
    }
}
