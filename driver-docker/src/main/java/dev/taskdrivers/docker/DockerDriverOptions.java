package dev.taskdrivers.docker;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.docker.internal.CapabilityPolicy;
import dev.taskdrivers.docker.internal.HclShapes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The operator's configuration of the docker driver (the driver block, not a task's).
 *
 * @param endpoint the engine, {@code unix:///var/run/docker.sock} or {@code tcp://host:2376}
 * @param tlsVerify whether to use TLS with the certificates in {@code certPath} (tcp endpoints)
 * @param certPath directory with {@code ca.pem}, {@code cert.pem}, {@code key.pem}, or null
 * @param allowPrivileged whether tasks may ask for {@code privileged = true}
 * @param volumesEnabled whether tasks may bind host paths outside their allocation and use docker volumes
 *     ({@code volumes}, {@code mount}s of type volume, {@code volume_driver}); tmpfs mounts need no consent
 * @param selinuxLabel the SELinux label ({@code z} shared, {@code Z} private) put on {@code volumes} binds, or null
 * @param imageRemoval whether images are removed when the last task using them is done
 * @param imageRemovalDelay how long an unused image is kept before removal, so a restarting task finds it
 * @param pullActivityTimeout how long a pull may go without progress before it is cancelled
 * @param pullTimeout the default total time a pull may take (a task's {@code image_pull_timeout} wins)
 * @param pullProgressInterval the least time between two progress events of one pull
 * @param authConfigPath a docker {@code config.json} to take registry credentials from, or null
 * @param stopRemovesContainer whether a stopped task's container is removed right after it exited
 * @param allowCaps the capabilities a task's container may hold (Nomad's default list unless set)
 * @param allowRuntimes the OCI runtimes tasks may ask for with {@code runtime}
 * @param pidsLimit the most processes a task's container may hold, and the limit of those that set none; 0 for none
 * @param infraImage the image of the infra container that holds a bridge group's network namespace
 * @param infraImagePullTimeout how long pulling {@code infraImage} may take
 */
record DockerDriverOptions(
        String endpoint,
        boolean tlsVerify,
        @Nullable Path certPath,
        boolean allowPrivileged,
        boolean volumesEnabled,
        @Nullable String selinuxLabel,
        boolean imageRemoval,
        Duration imageRemovalDelay,
        Duration pullActivityTimeout,
        Duration pullTimeout,
        Duration pullProgressInterval,
        @Nullable Path authConfigPath,
        boolean stopRemovesContainer,
        CapabilityPolicy allowCaps,
        List<String> allowRuntimes,
        long pidsLimit,
        String infraImage,
        Duration infraImagePullTimeout) {

    static final String DEFAULT_ENDPOINT = "unix:///var/run/docker.sock";
    /** Nomad's default: the engine's own runtime and NVIDIA's. */
    static final List<String> DEFAULT_RUNTIMES = List.of("runc", "nvidia");
    /** Nomad's default infra image, a pause container. */
    static final String DEFAULT_INFRA_IMAGE = "registry.k8s.io/pause-amd64:3.3";

    /** Parses the options, throwing a {@link dev.taskdrivers.api.ValidationException} that lists every problem. */
    static DockerDriverOptions parse(Map<String, Object> options) {
        ConfigReader r = new ConfigReader(HclShapes.fold(options, List.of("volumes", "image_gc")), "docker");
        String endpoint = r.string("endpoint", DEFAULT_ENDPOINT);
        if (!endpoint.startsWith("unix://") && !endpoint.startsWith("tcp://") && !endpoint.startsWith("npipe://")) {
            r.problem("endpoint", "must start with unix:// or tcp://, got \"" + endpoint + "\"");
        }
        boolean tlsVerify = r.bool("tls_verify", false);
        String certPath = r.optionalString("cert_path");
        if (tlsVerify && certPath == null) {
            r.problem("cert_path", "is required when tls_verify is true");
        }
        boolean allowPrivileged = r.bool("allow_privileged", false);
        // Nomad's nested block; the flat volumes_enabled stays as an alias
        boolean blockGiven = r.has("volumes");
        ConfigReader volumeBlock = r.nested("volumes");
        boolean volumes = volumeBlock.bool("enabled", false);
        String selinuxLabel = volumeBlock.optionalString("selinuxlabel");
        if (selinuxLabel != null && !selinuxLabel.equals("z") && !selinuxLabel.equals("Z")) {
            volumeBlock.problem("selinuxlabel", "must be z (shared) or Z (private), got \"" + selinuxLabel + "\"");
        }
        r.include(volumeBlock);
        if (r.has("volumes_enabled")) {
            boolean alias = r.bool("volumes_enabled", false);
            if (blockGiven && volumeBlock.has("enabled") && alias != volumes) {
                r.problem("volumes_enabled", "contradicts volumes.enabled; set only one");
            }
            volumes = volumes || alias;
        }
        ConfigReader gc = r.nested("image_gc");
        boolean removal = gc.bool("enabled", true);
        Duration delay = gc.duration("delay", Duration.ofMinutes(3));
        r.include(gc);
        Duration activity = r.duration("pull_activity_timeout", Duration.ofMinutes(2));
        Duration pullTimeout = r.duration("pull_timeout", Duration.ofMinutes(5));
        Duration progress = r.duration("pull_progress_interval", Duration.ofSeconds(2));
        if (activity.isZero()) {
            r.problem("pull_activity_timeout", "must be more than 0");
        }
        if (pullTimeout.isZero()) {
            r.problem("pull_timeout", "must be more than 0");
        }
        String authConfig = r.optionalString("auth_config");
        boolean stopRemoves = r.bool("remove_on_stop", true);
        long pidsLimit = r.integer("pids_limit", 0, 0, Long.MAX_VALUE);
        List<String> caps = r.has("allow_caps") ? r.stringList("allow_caps") : CapabilityPolicy.NOMAD_DEFAULT;
        for (int i = 0; i < caps.size(); i++) {
            if (!caps.get(i).strip().equalsIgnoreCase("all") && CapabilityPolicy.parse(caps.get(i)) == null) {
                r.problem("allow_caps[" + i + "]", "is not a Linux capability nor \"all\": \"" + caps.get(i) + "\"");
            }
        }
        String infraImage = r.string("infra_image", DEFAULT_INFRA_IMAGE);
        try {
            ImageRef.parse(infraImage);
        } catch (IllegalArgumentException e) {
            r.problem("infra_image", "is not an image reference: \"" + infraImage + "\"");
        }
        Duration infraPullTimeout = r.duration("infra_image_pull_timeout", Duration.ofMinutes(5));
        if (infraPullTimeout.isZero()) {
            r.problem("infra_image_pull_timeout", "must be more than 0");
        }
        List<String> runtimes = r.has("allow_runtimes") ? r.stringList("allow_runtimes") : DEFAULT_RUNTIMES;
        r.throwIfInvalid();
        return new DockerDriverOptions(
                endpoint,
                tlsVerify,
                certPath == null ? null : Path.of(certPath),
                allowPrivileged,
                volumes,
                selinuxLabel,
                removal,
                delay,
                activity,
                pullTimeout,
                progress,
                authConfig == null ? null : Path.of(authConfig),
                stopRemoves,
                CapabilityPolicy.of(caps),
                runtimes,
                pidsLimit,
                infraImage.strip(),
                infraPullTimeout);
    }
}
