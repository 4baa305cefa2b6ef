package dev.taskdrivers.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds allocations in a runner's state directory by id or by name ({@code job.group[index]}), reading the task state
 * files without changing anything (a runner may be writing them).
 */
public final class AllocationLookup {
    private final Path stateDir;
    private final ObjectMapper json = new ObjectMapper();

    public AllocationLookup(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** The id of the allocation with this id or name. */
    public Optional<String> find(String idOrName) {
        if (!idOrName.contains("/") && Files.isDirectory(stateDir.resolve(idOrName))) {
            return Optional.of(idOrName);
        }
        for (String id : ids()) {
            if (names(id).contains(idOrName)) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    /** Every allocation as {@code name (id)}, for messages. */
    public List<String> names() {
        List<String> all = new ArrayList<>();
        for (String id : ids()) {
            names(id).stream().findFirst().ifPresentOrElse(n -> all.add(n + " (" + id + ")"), () -> all.add(id));
        }
        return all;
    }

    /** The names of the tasks that have a state file in the allocation. */
    public TreeSet<String> tasks(String allocId) {
        TreeSet<String> tasks = new TreeSet<>();
        for (JsonNode file : stateFiles(allocId)) {
            String name = file.path("task").path("name").asText("");
            if (!name.isEmpty()) {
                tasks.add(name);
            }
        }
        return tasks;
    }

    private TreeSet<String> names(String allocId) {
        TreeSet<String> names = new TreeSet<>();
        for (JsonNode file : stateFiles(allocId)) {
            names.add(
                    file.path("jobName").asText() + "." + file.path("groupName").asText() + "["
                            + file.path("allocIndex").asInt() + "]");
        }
        return names;
    }

    private List<String> ids() {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(stateDir)) {
            dirs.filter(Files::isDirectory).forEach(d -> ids.add(d.getFileName().toString()));
        } catch (IOException e) {
            // no state directory: no allocations
        }
        ids.sort(null);
        return ids;
    }

    private List<JsonNode> stateFiles(String allocId) {
        List<JsonNode> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(stateDir.resolve(allocId))) {
            for (Path p : list.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .toList()) {
                try {
                    files.add(json.readTree(p.toFile()));
                } catch (IOException e) {
                    // being replaced or unreadable: the others still tell
                }
            }
        } catch (IOException e) {
            // gone meanwhile
        }
        return files;
    }
}
