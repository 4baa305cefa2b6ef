package dev.taskdrivers.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Looks for what the soak may have left behind, each kind scoped to the soak's own marks so other users of the
 * machine's engine, agent and cgroups are never counted: processes and mounts under its work directory, containers
 * with its job label, its image, cgroups under its cgroup parent and Consul services with its ID prefix.
 */
final class SoakLeftovers {
    private final Path work;
    private final String jobName;
    private final String image;
    private final String cgroupParent;
    private final URI consul;
    private final @Nullable String consulToken;
    private final String idPrefix;

    SoakLeftovers(
            Path work,
            String jobName,
            String image,
            String cgroupParent,
            URI consul,
            @Nullable String consulToken,
            String idPrefix) {
        this.work = work;
        this.jobName = jobName;
        this.image = image;
        this.cgroupParent = cgroupParent;
        this.consul = consul;
        this.consulToken = consulToken;
        this.idPrefix = idPrefix;
    }

    /** Each kind checked, with what was found of it (empty lists mean nothing left). */
    Map<String, List<String>> find() throws IOException, InterruptedException {
        Map<String, List<String>> found = new LinkedHashMap<>();
        found.put("processes", processes());
        found.put(
                "containers",
                Commands.lines("docker", "ps", "-aq", "--filter", "label=dev.taskdrivers.job_name=" + jobName));
        found.put("images", Commands.lines("docker", "images", "-q", image));
        found.put("mounts", mounts());
        found.put("cgroups", cgroups());
        found.put("consul services", consulServices(""));
        return found;
    }

    /** Processes whose command line, environment, working directory or root lies under the work directory. */
    private List<String> processes() throws IOException {
        String mark = work.toString();
        // the soak's own JVM and whatever launched it carry the work directory on their command lines
        Set<Long> launchers = new HashSet<>();
        for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current());
                p.isPresent();
                p = p.get().parent()) {
            launchers.add(p.get().pid());
        }
        List<String> left = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .toList()) {
                if (launchers.contains(Long.parseLong(p.getFileName().toString()))) {
                    continue;
                }
                if (contains(p.resolve("cmdline"), mark)
                        || contains(p.resolve("environ"), mark)
                        || linksUnder(p.resolve("cwd"), mark)
                        || linksUnder(p.resolve("root"), mark)) {
                    left.add(p.getFileName() + " "
                            + read(p.resolve("cmdline")).replace('\0', ' ').trim());
                }
            }
        }
        return left;
    }

    private List<String> mounts() throws IOException {
        String mark = work.toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(mark))
                .toList();
    }

    private List<String> cgroups() throws IOException {
        List<String> left = new ArrayList<>();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Path parent = h.resolve(cgroupParent);
                if (Files.isDirectory(parent)) {
                    try (Stream<Path> children = Files.walk(parent)) {
                        children.filter(c -> !c.equals(parent) && Files.isDirectory(c))
                                .forEach(c -> left.add(c.toString()));
                    }
                }
            }
        }
        return left;
    }

    /** IDs of the agent's services with the soak's prefix that contain {@code part} (e.g. an allocation id). */
    List<String> consulServices(String part) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(consul.resolve("/v1/agent/services")).timeout(Duration.ofSeconds(10));
        if (consulToken != null) {
            request.header("X-Consul-Token", consulToken);
        }
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("consul answered " + response.statusCode() + " to /v1/agent/services");
        }
        JsonNode services = new ObjectMapper().readTree(response.body());
        List<String> ours = new ArrayList<>();
        for (Iterator<String> ids = services.fieldNames(); ids.hasNext(); ) {
            String id = ids.next();
            if (id.startsWith(idPrefix + "-") && id.contains(part)) {
                ours.add(id);
            }
        }
        return ours;
    }

    /** Removes the soak's empty cgroup parents, which the exec driver creates once and keeps. */
    void removeEmptyCgroupParents() throws IOException {
        RunnerTasks.removeEmptyCgroupParent(cgroupParent);
    }

    private static boolean contains(Path file, String mark) {
        return read(file).contains(mark);
    }

    private static boolean linksUnder(Path link, String mark) {
        try {
            return Files.readSymbolicLink(link).toString().startsWith(mark);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // the process ended meanwhile, or is not ours to read
        }
    }
}
