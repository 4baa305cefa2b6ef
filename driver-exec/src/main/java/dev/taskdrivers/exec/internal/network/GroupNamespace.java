package dev.taskdrivers.exec.internal.network;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.hostprocess.Executables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The named network namespace of an allocation ({@code /run/netns/NAME}) and how a task joins it: the group's network
 * sets the task's {@code network_mode} to {@code netns:NAME}, and the task's program (and every command executed in
 * the task) runs behind {@code nsenter --net=/run/netns/NAME --}, which enters the namespace and executes the program
 * in its own process, so the task's pid stays the one its launcher reports.
 */
public final class GroupNamespace {
    /** The driver config entry a task of a bridge group runs with. */
    public static final String OPTION = "network_mode";

    static final String MODE_PREFIX = "netns:";
    /** Every namespace of ours starts with it; the rest is the allocation id, or a digest of an unusual one. */
    static final String NAME_PREFIX = "td-";

    static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Pattern SAFE_ALLOC_ID = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    private GroupNamespace() {}

    /** The namespace name of {@code allocId}: the same in every runner, so a restarted one finds it. */
    static String nameFor(String allocId) {
        if (SAFE_ALLOC_ID.matcher(allocId).matches() && !allocId.startsWith(".")) {
            return NAME_PREFIX + allocId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(allocId.getBytes(StandardCharsets.UTF_8));
            return NAME_PREFIX + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The {@code network_mode} value that joins namespace {@code name}. */
    static String mode(String name) {
        return MODE_PREFIX + name;
    }

    static Path path(String name) {
        return NETNS_DIR.resolve(name);
    }

    /** The file of namespace {@code name}, as the host's mount namespace sees it. */
    public static String file(String name) {
        return path(name).toString();
    }

    /**
     * The namespace a task's config joins, read from its {@code network_mode}: only its own allocation's
     * ({@code netns:td-<alloc id>}), so no task joins another allocation's network; any other value is a problem of
     * the reader.
     */
    public static Optional<String> read(ConfigReader reader, String allocId) {
        @Nullable String mode = reader.optionalString(OPTION);
        if (mode == null) {
            return Optional.empty();
        }
        String own = nameFor(allocId);
        if (!mode.equals(mode(own))) {
            reader.problem(
                    OPTION,
                    "is set by the group's network in network mode \"bridge\" (" + mode(own) + "), got \"" + mode
                            + "\"");
            return Optional.empty();
        }
        return Optional.of(own);
    }

    /**
     * The argv prefix that runs the rest of an argv in namespace {@code name}.
     *
     * @throws DriverException when the namespace is gone or nsenter is missing
     */
    public static List<String> enterArgv(String name) {
        Path path = path(name);
        if (!Files.exists(path)) {
            throw DriverException.fatal(
                    ErrorCode.NOT_FOUND, "the group's network namespace " + path + " does not exist (any more)");
        }
        Path nsenter = Executables.resolve("nsenter", Executables.DEFAULT_PATH, null)
                .orElseThrow(() -> DriverException.fatal(
                        ErrorCode.DRIVER_UNAVAILABLE,
                        "a task of a group in network mode \"bridge\" needs nsenter (util-linux), which is missing"
                                + " from " + Executables.DEFAULT_PATH));
        return List.of(nsenter.toString(), "--net=" + path, "--");
    }
}
