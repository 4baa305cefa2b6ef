package dev.taskdrivers.runner.internal.artifact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches the submodules of a checkout, as go-getter does after its clone ({@code git submodule update --init
 * --recursive}), with the clone's depth and from the protocols the repository's origin allows: a repository on the
 * network takes its submodules from the network only, never from the runner's files; a local repository (fetched
 * only where the operator allows local files) may also take them from local files. Nested submodules follow the
 * same rules: git passes the allowed protocols on to the runs it starts.
 */
final class GitSubmodules {
    static final String NETWORK_PROTOCOLS = "http:https:ssh:git";

    private GitSubmodules() {}

    /** What {@code git clone} of {@code source} itself may use. */
    static String cloneProtocols(GitSource source) {
        return source.local() ? "file" : NETWORK_PROTOCOLS;
    }

    /**
     * What the submodules of {@code source} may use. Setting the list also lifts git's refusal of local submodules
     * (protocol.file.allow=user since git 2.38.1) for local repositories, and only for them.
     */
    static String submoduleProtocols(GitSource source) {
        return source.local() ? "file:" + NETWORK_PROTOCOLS : NETWORK_PROTOCOLS;
    }

    /**
     * Fetches and checks out the submodules of {@code clone} (those inside {@code subdir} when one is kept), if it
     * has any.
     */
    static void update(GitCommand git, GitSource source, Path clone) throws IOException {
        if (!Files.isRegularFile(clone.resolve(".gitmodules"), LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        git.withProtocols(submoduleProtocols(source))
                .run(clone, "git submodule update (the repository's submodules)", arguments(source));
    }

    static List<String> arguments(GitSource source) {
        List<String> args = new ArrayList<>(List.of("submodule", "--quiet", "update", "--init", "--recursive"));
        if (source.depth() > 0) {
            args.add("--depth=" + source.depth());
        }
        args.add("--");
        if (!source.subdir().isEmpty()) {
            args.add(source.subdir()); // only the submodules in the part that is kept
        }
        return args;
    }
}
