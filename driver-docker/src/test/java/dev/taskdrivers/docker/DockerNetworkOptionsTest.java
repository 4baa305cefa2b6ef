package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Network;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.ValidationProblem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ports}, fixed addresses, MAC address, aliases, DNS options and the advertised IPv6 address on a user-defined
 * network.
 */
@Tag("real")
class DockerNetworkOptionsTest {
    private static DockerDriver driver;
    private static String network;
    private static String subnetPrefix;

    @TempDir
    Path root;

    @BeforeAll
    static void engine() {
        DockerTestEnv.requireEngine();
        driver = DockerTestEnv.driver(Map.of());
        int octet = ThreadLocalRandom.current().nextInt(16, 250);
        subnetPrefix = "172.31." + octet;
        network = "taskdrivers-test-net-" + octet;
        driver.client()
                .createNetworkCmd()
                .withName(network)
                .withEnableIpv6(true)
                .withIpam(new Network.Ipam()
                        .withConfig(
                                new Network.Ipam.Config().withSubnet(subnetPrefix + ".0/24"),
                                new Network.Ipam.Config().withSubnet("fd00:" + octet + "::/64")))
                .exec();
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            if (network != null) {
                driver.client().removeNetworkCmd(network).exec();
            }
            driver.close();
        }
    }

    @Test
    void publishesOnlyTheListedPortsWithFixedAddressesMacAndDnsOptions() throws Exception {
        int http = DockerTestEnv.freePort();
        int admin = DockerTestEnv.freePort();
        String octet = subnetPrefix.substring(subnetPrefix.lastIndexOf('.') + 1);
        Map<String, Object> config = Map.ofEntries(
                Map.entry("image", LOCAL_IMAGE),
                Map.entry("command", "httpd"),
                Map.entry("args", List.of("-f", "-p", String.valueOf(http), "-h", "/local")),
                Map.entry("network_mode", network),
                Map.entry("ports", List.of("http")),
                Map.entry("ipv4_address", subnetPrefix + ".10"),
                Map.entry("ipv6_address", "fd00:" + octet + "::10"),
                Map.entry("mac_address", "02:42:ac:1f:00:0a"),
                Map.entry("dns_options", List.of("ndots:2")),
                Map.entry("network_aliases", List.of("web-alias")));
        TaskConfig task = DockerTestEnv.task(
                root,
                "net",
                config,
                new Resources(
                        100, 64, List.of(new Port("http", http, "127.0.0.1"), new Port("admin", admin, "127.0.0.1"))),
                Duration.ofSeconds(1));
        Files.writeString(task.dirs().localDir().resolve("index.html"), "published");
        var started = DockerTestEnv.run(driver, task);
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/index.html"))
                    .build();
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(client.send(get, HttpResponse.BodyHandlers.ofString())
                                    .body())
                            .isEqualTo("published"));
            var inspect = driver.client()
                    .inspectContainerCmd(started.handle().containerId())
                    .exec();
            var bindings = inspect.getHostConfig().getPortBindings().getBindings();
            assertThat(inspect.getNetworkSettings().getNetworks().get(network).getAliases())
                    .contains("web-alias");
            assertThat(bindings).containsKey(ExposedPort.tcp(http)).doesNotContainKey(ExposedPort.tcp(admin));

            String inside = started.handle()
                    .exec(ExecRequest.of(
                            List.of("sh", "-c", "ip addr show eth0; cat /etc/resolv.conf"), Duration.ofSeconds(10)))
                    .stdout();
            assertThat(inside)
                    .contains(
                            "inet " + subnetPrefix + ".10/24",
                            "inet6 fd00:" + octet + "::10/64",
                            "link/ether 02:42:ac:1f:00:0a",
                            "options ndots:2");
        } finally {
            started.stopAndCleanup(driver);
        }
    }

    @Test
    void advertisesTheContainersIpv6AddressOnlyWhenAsked() {
        var v6 = DockerTestEnv.run(
                driver,
                DockerTestEnv.sleeper(root, "v6", Map.of("network_mode", network, "advertise_ipv6_address", true)));
        try {
            var address = driver.client()
                    .inspectContainerCmd(v6.handle().containerId())
                    .exec()
                    .getNetworkSettings()
                    .getNetworks()
                    .get(network);
            assertThat(address.getGlobalIPv6Address()).startsWith("fd00:");
            assertThat(v6.start().network()).hasValueSatisfying(n -> {
                assertThat(n.ip()).isEqualTo(address.getGlobalIPv6Address());
                assertThat(n.autoAdvertise()).isTrue();
            });
        } finally {
            v6.stopAndCleanup(driver);
        }
        var v4 = DockerTestEnv.run(driver, DockerTestEnv.sleeper(root, "v4", Map.of("network_mode", network)));
        try {
            String ipv4 = driver.client()
                    .inspectContainerCmd(v4.handle().containerId())
                    .exec()
                    .getNetworkSettings()
                    .getNetworks()
                    .get(network)
                    .getIpAddress();
            assertThat(ipv4).startsWith(subnetPrefix + ".");
            assertThat(v4.start().network())
                    .hasValueSatisfying(n -> assertThat(n.ip()).isEqualTo(ipv4));
        } finally {
            v4.stopAndCleanup(driver);
        }
        // the engine's default bridge has no IPv6 here: no address is advertised rather than the IPv4 one
        var bridge = DockerTestEnv.run(
                driver, DockerTestEnv.sleeper(root, "v6bridge", Map.of("advertise_ipv6_address", true)));
        try {
            assertThat(driver.client()
                            .inspectContainerCmd(bridge.handle().containerId())
                            .exec()
                            .getNetworkSettings()
                            .getNetworks()
                            .get("bridge")
                            .getGlobalIPv6Address())
                    .isNullOrEmpty();
            assertThat(bridge.start().network()).isEmpty();
        } finally {
            bridge.stopAndCleanup(driver);
        }
    }

    @Test
    void refusesUnknownPortLabelsBadAddressesAndAddressesOnTheDefaultBridge() {
        TaskConfig task = DockerTestEnv.task(
                root,
                "badnet",
                Map.of(
                        "image",
                        LOCAL_IMAGE,
                        "ports",
                        List.of("web"),
                        "ipv4_address",
                        "10.0.0.300",
                        "ipv6_address",
                        "fd00::1",
                        "mac_address",
                        "02:42",
                        "dns_options",
                        "ndots:2",
                        "advertise_ipv6_address",
                        "yes"),
                DockerTestEnv.resourcesWithPort("http", 8080, 64),
                Duration.ofSeconds(1));
        List<ValidationProblem> problems = driver.validate(task);
        assertThat(problems)
                .extracting(p -> p.field() + ": " + p.problem())
                .containsExactlyInAnyOrder(
                        "config.ports[0]: \"web\" is not a port label of the task; it has [http]",
                        "config.ipv4_address: must be an IPv4 address, got \"10.0.0.300\"",
                        "config.ipv6_address: needs a user-defined network in network_mode, not \"bridge\"",
                        "config.mac_address: must be six hex pairs like \"02:42:ac:11:00:02\", got \"02:42\"",
                        "config.dns_options: must be a list of strings, got \"ndots:2\"",
                        "config.advertise_ipv6_address: must be true or false, got \"yes\"");
    }
}
