package dev.taskdrivers.runner.drivers;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.Redaction;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drivers found through {@link ServiceLoader}, by name. Loading instantiates only the factories; each driver is
 * created once, on first use ({@link #driver}), with its operator options and a data directory of its own, so a
 * runner pays only for the drivers its tasks use: validating or running a spec creates the drivers it names, and
 * recovery creates those of the tasks found in the state directory, whatever the current spec names. Only
 * {@link #fingerprints()} creates every driver. {@link #close()} closes the drivers created.
 */
public final class DriverRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DriverRegistry.class);

    /** Known driver names and the artifact that provides them, for the "unknown driver" message. */
    private static final Map<String, String> ARTIFACTS = Map.of(
            "raw_exec", "dev.taskdrivers:driver-exec",
            "exec", "dev.taskdrivers:driver-exec",
            "docker", "dev.taskdrivers:driver-docker",
            "rkt", "dev.taskdrivers:driver-rkt",
            "qemu", "dev.taskdrivers:driver-qemu");

    private final Map<String, DriverFactory> factories;
    private final Map<String, Map<String, Object>> options;
    private final Path dataRoot;
    private final Map<String, Driver> created = new ConcurrentHashMap<>();

    private DriverRegistry(
            Map<String, DriverFactory> factories, Map<String, Map<String, Object>> options, Path dataRoot) {
        this.factories = factories;
        this.options = options;
        this.dataRoot = dataRoot;
    }

    /**
     * Finds the driver factories visible to {@code classLoader}.
     *
     * @param classLoader where to look (e.g. a plugin class loader)
     * @param dataRoot parent of each driver's data directory ({@code dataRoot/<name>})
     * @param options operator options per driver name
     * @throws DriverException when two factories share a name or a driver was built for an unsupported SPI
     */
    public static DriverRegistry load(
            ClassLoader classLoader, Path dataRoot, Map<String, Map<String, Object>> options) {
        Map<String, DriverFactory> found = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        ServiceLoader<DriverFactory> loader = ServiceLoader.load(DriverFactory.class, classLoader);
        for (ServiceLoader.Provider<DriverFactory> provider : loader.stream().toList()) {
            DriverFactory factory;
            try {
                factory = provider.get();
            } catch (ServiceConfigurationError e) {
                problems.add(
                        "driver factory " + provider.type().getName() + " could not be created: " + e.getMessage());
                continue;
            }
            add(found, factory, problems);
        }
        if (!problems.isEmpty()) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, String.join("; ", problems));
        }
        return of(found.values(), dataRoot, options);
    }

    /** A registry of the given factories, e.g. in tests or when plugins are found another way. */
    public static DriverRegistry of(
            Iterable<DriverFactory> factories, Path dataRoot, Map<String, Map<String, Object>> options) {
        Map<String, DriverFactory> byName = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        factories.forEach(f -> add(byName, f, problems));
        if (!problems.isEmpty()) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, String.join("; ", problems));
        }
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        options.forEach((name, values) -> copy.put(name, Map.copyOf(values)));
        return new DriverRegistry(byName, copy, dataRoot);
    }

    private static void add(Map<String, DriverFactory> byName, DriverFactory factory, List<String> problems) {
        if (!DriverApi.supports(factory.spiVersion())) {
            problems.add("driver " + factory.name() + " (" + factory.getClass().getName() + ") was built for driver"
                    + " SPI version " + factory.spiVersion() + " but this runner supports versions "
                    + DriverApi.MIN_SUPPORTED_SPI_VERSION + " to " + DriverApi.SPI_VERSION);
            return;
        }
        DriverFactory previous = byName.putIfAbsent(factory.name(), factory);
        if (previous != null && previous != factory) {
            problems.add("two driver factories are named \"" + factory.name() + "\": "
                    + previous.getClass().getName() + " and "
                    + factory.getClass().getName()
                    + "; remove one of them from the class path");
        }
    }

    /** The names of the drivers found, sorted. */
    public List<String> names() {
        return List.copyOf(factories.keySet());
    }

    /** Whether a driver of that name was found. */
    public boolean has(String name) {
        return factories.containsKey(name);
    }

    /**
     * The driver of that name, created on first use.
     *
     * @throws DriverException with {@link ErrorCode#INVALID_CONFIG} naming the drivers found and the artifact to add
     */
    public Driver driver(String name) {
        DriverFactory factory = factories.get(name);
        if (factory == null) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, unknownMessage(name));
        }
        return created.computeIfAbsent(name, n -> {
            Map<String, Object> driverOptions = options.getOrDefault(n, Map.of());
            LOG.info("creating driver {} with options {}", n, masked(factory, driverOptions));
            return factory.create(new DriverContext(driverOptions, dataRoot.resolve(n)));
        });
    }

    /**
     * Where the tasks of {@code name} see their directories when not at the host's paths
     * ({@link dev.taskdrivers.api.Capabilities#dirsInsideTask()}); empty for a driver that is unknown or cannot be
     * created, whose tasks fail with that problem of their own.
     */
    public Map<String, String> dirsInsideTask(String name) {
        if (!has(name)) {
            return Map.of();
        }
        try {
            return driver(name).capabilities().dirsInsideTask();
        } catch (RuntimeException | Error e) {
            LOG.debug("driver {} not asked where its tasks see their directories: {}", name, e.getMessage());
            return Map.of();
        }
    }

    /** The names of the drivers created so far, sorted: those the tasks and checks so far used. */
    public List<String> created() {
        return created.keySet().stream().sorted().toList();
    }

    /** Why {@code name} is not available and what to add. */
    public String unknownMessage(String name) {
        String artifact = ARTIFACTS.get(name);
        return "unknown driver \"" + name + "\"; drivers found: " + (factories.isEmpty() ? "none" : names())
                + (artifact != null ? "; add " + artifact + " to the class path" : "");
    }

    /**
     * The fingerprint of every driver, by name; this creates every driver found. A driver whose options it rejects is reported unhealthy with
     * "invalid options:" and every problem on one line; one that throws otherwise, unhealthy with "driver failed:".
     */
    public Map<String, Fingerprint> fingerprints() {
        Map<String, Fingerprint> result = new TreeMap<>();
        for (String name : factories.keySet()) {
            try {
                result.put(name, driver(name).fingerprint());
            } catch (ValidationException e) {
                result.put(
                        name,
                        Fingerprint.unhealthy("invalid options: "
                                + e.problems().stream()
                                        .map(ValidationProblem::toString)
                                        .collect(Collectors.joining("; "))));
            } catch (RuntimeException e) {
                result.put(name, Fingerprint.unhealthy("driver failed: " + e.getMessage()));
            }
        }
        return result;
    }

    /** The names of the drivers given operator options, sorted (whether or not such a driver was found). */
    public List<String> configured() {
        return options.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    /** The factory class of a driver, for diagnostics; null for a name no driver has. */
    public @Nullable String factoryClass(String name) {
        DriverFactory factory = factories.get(name);
        return factory == null ? null : factory.getClass().getName();
    }

    private static Map<String, Object> masked(DriverFactory factory, Map<String, Object> values) {
        Map<String, Object> copy = new LinkedHashMap<>(Redaction.redact(values));
        factory.secretOptions().forEach(key -> copy.computeIfPresent(key, (k, v) -> Redaction.MASK));
        return copy;
    }

    @Override
    public void close() {
        created.forEach((name, driver) -> {
            try {
                driver.close();
            } catch (RuntimeException e) {
                LOG.warn("closing driver {} failed: {}", name, e.toString());
            }
        });
        created.clear();
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new TreeMap<>();
        options.forEach((name, values) -> {
            DriverFactory f = factories.get(name);
            shown.put(name, f == null ? Redaction.redact(values) : masked(f, values));
        });
        return "DriverRegistry[drivers=" + names() + ", options=" + shown + "]";
    }
}
