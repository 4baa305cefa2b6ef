package dev.taskdrivers.templates;

import java.util.List;
import java.util.Objects;

/**
 * A service of the catalog, as {@code services} hands it to a template ({@code .Name}, {@code .Tags}).
 *
 * @param name its name
 * @param tags the tags of all its instances, without repeats
 */
public record CatalogService(String name, List<String> tags) {
    public CatalogService {
        Objects.requireNonNull(name, "name");
        tags = List.copyOf(tags);
    }
}
