package dev.taskdrivers.rkt.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pod as {@code rkt status} describes it.
 *
 * @param state e.g. {@code prepared}, {@code running}, {@code exited}
 * @param networks the networks the pod joined, with its address on each
 */
record PodStatus(String state, List<Network> networks) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern APP_EXIT = Pattern.compile("(?m)^app-[^=\\s]+=(\\d+)\\s*$");

    /**
     * One network of a pod.
     *
     * @param name the network's name
     * @param ip the pod's address on it
     */
    record Network(String name, String ip) {}

    boolean running() {
        return "running".equals(state);
    }

    boolean exited() {
        return "exited".equals(state) || "deleting".equals(state) || "garbage".equals(state);
    }

    /** The first network with an address. */
    Optional<Network> firstNetwork() {
        return networks.stream().filter(n -> !n.ip().isEmpty()).findFirst();
    }

    /** Parses {@code rkt status --format=json}. */
    static PodStatus parseJson(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.hasNonNull("state")) {
            throw new IOException("rkt status printed no pod state: " + json.strip());
        }
        List<Network> networks = new ArrayList<>();
        for (JsonNode n : root.path("networks")) {
            networks.add(new Network(n.path("netName").asText(""), n.path("ip").asText("")));
        }
        return new PodStatus(root.get("state").asText(), List.copyOf(networks));
    }

    /** The app's exit code from the text form of {@code rkt status} ({@code app-<name>=<code>}), once it exited. */
    static OptionalInt exitCode(String text) {
        Matcher m = APP_EXIT.matcher(text);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }
}
