package dev.taskdrivers.exec.internal.raw;

import static dev.taskdrivers.exec.internal.raw.RawExecFixture.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.GroupNetwork;
import dev.taskdrivers.api.GroupNetworkRequest;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.exec.internal.process.TaskUser;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * raw_exec tasks of a group in bridge network mode run in their allocation's own network namespace, reached through
 * their granted host ports, and nothing of the namespace is left once it is destroyed (real kernel: ip, iptables).
 */
@Tag("real")
class RawExecBridgeNetworkTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Answers every connection on port ARGV[0] with a line naming the task's allocation, then closes it. */
    private static final String SERVER = "use IO::Socket::INET;"
            + " my $s = IO::Socket::INET->new(LocalPort => $ARGV[0], Listen => 5, ReuseAddr => 1) or die \"listen: $!\";"
            + " while (my $c = $s->accept) { print $c \"hello from $ENV{ALLOC}\\n\"; close $c }";

    @TempDir
    Path tempDir;

    private RawExecFixture fixture;
    private final List<String> allocs = new ArrayList<>();
    /** The host end of each allocation's veth pair, by allocation. */
    private final Map<String, String> veths = new LinkedHashMap<>();

    private Driver driver;

    @BeforeEach
    void setUp() throws Exception {
        RealEnvironment.require(TaskUser.runnerUid() == 0, "a runner running as root");
        for (String tool : List.of("ip", "iptables", "nsenter", "perl")) {
            RealEnvironment.require(
                    List.of("/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/").stream()
                            .anyMatch(dir -> Files.isExecutable(Path.of(dir + tool))),
                    tool);
        }
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        fixture = new RawExecFixture(tempDir);
        driver = fixture.driver();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (fixture != null) {
                fixture.close();
            }
        } finally {
            for (String alloc : allocs) {
                driver.destroyGroupNetwork(alloc);
            }
        }
        for (String alloc : allocs) {
            assertNothingLeftOf(alloc);
        }
        assertThat(run("ip", "-o", "link", "show"))
                .as("the host ends of the veth pairs")
                .doesNotContainPattern("\\d+: (" + String.join("|", veths.values()) + ")@");
    }

    @Test
    void twoAllocationsListenOnOnePortInsideAndAreReachedThroughTheirOwnHostPorts() throws Exception {
        int inside = freePort();
        Alloc a = startServer("a", inside, null);
        Alloc b = startServer("b", inside, null);

        assertThat(a.network.id()).isNotEqualTo(b.network.id());
        await("both tasks answer on their host ports")
                .atMost(TIMEOUT)
                .ignoreExceptions()
                .untilAsserted(() -> {
                    assertThat(readLine(a.hostPort))
                            .isEqualTo("hello from " + a.task.id().allocId());
                    assertThat(readLine(b.hostPort))
                            .isEqualTo("hello from " + b.task.id().allocId());
                });
        String addressA = address(a.handle);
        String addressB = address(b.handle);
        assertThat(addressA).startsWith("10.213.").isNotEqualTo(addressB);
        assertThat(addressB).startsWith("10.213.");
        // the port inside is the namespace's, not the host's
        assertThatThrownBy(() -> readLine(inside)).isInstanceOf(ConnectException.class);
        // the task's pid is the program itself, inside the namespace
        String pid = a.handle.state().data().get("pid");
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString())
                .isEqualTo("net:[" + Files.getAttribute(Path.of("/run/netns/" + a.network.id()), "unix:ino") + "]");
        assertThat(Files.readString(Path.of("/proc/" + pid + "/comm")).strip()).isEqualTo("perl");
    }

    @Test
    void allocationsCreatedAtOnceGetDistinctAddresses() throws Exception {
        List<TaskConfig> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TaskConfig task = fixture.task("t" + i, Map.of("command", "/bin/true"));
            allocs.add(task.id().allocId());
            tasks.add(task);
        }
        // two drivers, as two runners of one host would have
        Driver other = fixture.driver();
        List<CompletableFuture<GroupNetwork>> created = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            TaskConfig task = tasks.get(i);
            Driver d = i % 2 == 0 ? driver : other;
            created.add(CompletableFuture.supplyAsync(
                    () -> d.createGroupNetwork(GroupNetworkRequest.of(task.id().allocId(), List.of(task)))));
        }
        List<String> addresses = new ArrayList<>();
        for (CompletableFuture<GroupNetwork> network : created) {
            String name = network.get(60, TimeUnit.SECONDS).id();
            String out = run("ip", "-n", name, "-o", "-4", "addr", "show", "dev", "eth0");
            addresses.add(out.replaceAll("(?s).*inet (10\\.213\\.[0-9.]+)/20.*", "$1"));
        }

        assertThat(addresses).allMatch(a -> a.matches("10\\.213\\.\\d+\\.\\d+")).doesNotHaveDuplicates();
    }

    /** A port bound on every address: reached on loopback and on the host's other addresses alike. */
    @Test
    void aPortOnEveryAddressIsReachedOnEachOfTheHostsAddresses() throws Exception {
        Alloc a = startServer("a", freePort(), null, "0.0.0.0");
        List<String> addresses = new ArrayList<>(List.of("127.0.0.1"));
        for (String line :
                run("ip", "-o", "-4", "addr", "show", "scope", "global").split("\n")) {
            String[] tokens = line.strip().split("\\s+");
            if (tokens.length > 3 && !tokens[1].equals("tdbridge0")) {
                addresses.add(tokens[3].substring(0, tokens[3].indexOf('/')));
            }
        }

        for (String address : addresses) {
            await("the task answers on " + address)
                    .atMost(TIMEOUT)
                    .ignoreExceptions()
                    .until(() -> readLine(address, a.hostPort)
                            .equals("hello from " + a.task.id().allocId()));
        }
    }

    @Test
    void aRestartedRunnerFindsTheNetworkAndTheTaskStaysReachable() throws Exception {
        Alloc a = startServer("a", freePort(), null);
        await("the task answers")
                .atMost(TIMEOUT)
                .ignoreExceptions()
                .until(() -> readLine(a.hostPort).startsWith("hello"));

        Driver restarted = fixture.driver();
        assertThat(restarted.findGroupNetwork(a.task.id().allocId())).contains(a.network);
        assertThat(restarted.createGroupNetwork(
                        GroupNetworkRequest.of(a.task.id().allocId(), List.of(a.task))))
                .as("created again: the same one")
                .isEqualTo(a.network);
        assertThat(readLine(a.hostPort)).isEqualTo("hello from " + a.task.id().allocId());
        assertThat(iptablesNat())
                .as("its forwards once, not twice")
                .filteredOn(l -> l.contains("taskdrivers:" + a.network.id()))
                .hasSize(4);
        assertThat(restarted.findGroupNetwork("no-such-alloc")).isEmpty();
    }

    /**
     * A forward lost (as to a runner stopped while it added them) is added again when a restarted runner finds the
     * network; the rules still there are not touched: their packet counters and their order stay.
     */
    @Test
    void aRestartedRunnerAddsBackOnlyTheForwardsTheNetworkLacks() throws Exception {
        Alloc a = startServer("a", freePort(), null);
        await("the task answers")
                .atMost(TIMEOUT)
                .ignoreExceptions()
                .until(() -> readLine(a.hostPort).startsWith("hello"));
        String comment = "taskdrivers:" + a.network.id();
        List<String> before = forwardRules(comment);
        assertThat(before)
                .as("the rule that forwarded the connection from this host counted it")
                .anyMatch(l -> l.startsWith("-A OUTPUT ") && l.contains(" -p tcp ") && !l.contains(" -c 0 0 "));
        String lost = before.stream()
                .filter(l -> l.startsWith("-A PREROUTING ") && l.contains(" -p tcp "))
                .findFirst()
                .orElseThrow();
        List<String> delete = new ArrayList<>(List.of("iptables", "-w", "-t", "nat", "-D"));
        for (String token : withoutCounters(lost).substring("-A ".length()).split("\\s+")) {
            delete.add(token.replace("\"", ""));
        }
        run(delete.toArray(String[]::new));
        assertThat(forwardRules(comment)).hasSize(before.size() - 1);

        Driver restarted = fixture.driver();
        assertThat(restarted.findGroupNetwork(a.task.id().allocId())).contains(a.network);

        List<String> after = forwardRules(comment);
        assertThat(after.stream().map(RawExecBridgeNetworkTest::withoutCounters))
                .as("the lost rule is back")
                .contains(withoutCounters(lost))
                .hasSize(before.size());
        List<String> othersBefore = new ArrayList<>(before);
        othersBefore.remove(lost);
        List<String> othersAfter = after.stream()
                .filter(l -> !withoutCounters(l).equals(withoutCounters(lost)))
                .toList();
        assertThat(othersAfter)
                .as("the other rules, with their counters, in their order")
                .containsExactlyElementsOf(othersBefore);
        assertThat(readLine(a.hostPort)).isEqualTo("hello from " + a.task.id().allocId());
    }

    /** The allocation's forwarding rules as {@code iptables -S -v} lists them, with their packet and byte counters. */
    private static List<String> forwardRules(String comment) throws Exception {
        return List.of(run("iptables", "-w", "-t", "nat", "-S", "-v").split("\n")).stream()
                .filter(l -> l.contains(comment))
                .toList();
    }

    private static String withoutCounters(String rule) {
        return rule.replaceAll(" -c \\d+ \\d+", "");
    }

    @Test
    void aTaskRunningAsAnotherUserJoinsTheNamespaceAndExecRunsThereAsThatUser() throws Exception {
        Alloc a = startServer("a", freePort(), "nobody");
        await("the task answers")
                .atMost(TIMEOUT)
                .ignoreExceptions()
                .until(() -> readLine(a.hostPort).startsWith("hello"));

        ExecResult id = a.handle.exec(ExecRequest.of(List.of("id", "-u"), TIMEOUT));
        assertThat(id.stdout().strip())
                .isEqualTo(Integer.toString(TaskUser.resolve("nobody").uid()));
        assertThat(address(a.handle)).startsWith("10.213.");
    }

    @Test
    void destroyingTwiceIsNoErrorAndAPortMapOutsideABridgeGroupIsRefused() throws Exception {
        Alloc a = startServer("a", freePort(), null);
        fixture.close();
        fixture = null;
        driver.destroyGroupNetwork(a.task.id().allocId());
        driver.destroyGroupNetwork(a.task.id().allocId());
        assertNothingLeftOf(a.task.id().allocId());

        RawExecFixture other = new RawExecFixture(tempDir.resolve("other"));
        try {
            TaskConfig hostTask = other.task("host", Map.of("command", "/bin/true", "port_map", Map.of("http", 8080)));
            assertThatThrownBy(() -> driver.prestart(hostTask, EventEmitter.NONE))
                    .hasMessageContaining("config.port_map")
                    .hasMessageContaining("bridge");
        } finally {
            other.close();
        }
    }

    @Test
    void aTaskCanJoinNoNamespaceButItsOwnAllocations() throws Exception {
        Alloc a = startServer("a", freePort(), null);
        TaskConfig other =
                fixture.task("intruder", Map.of("command", "/bin/true", "network_mode", "netns:" + a.network.id()));

        assertThat(driver.validate(other))
                .extracting(p -> p.field() + ": " + p.problem())
                .containsExactly("config.network_mode: is set by the group's network in network mode \"bridge\""
                        + " (netns:td-" + other.id().allocId() + "), got \"netns:" + a.network.id() + "\"");
    }

    private record Alloc(TaskConfig task, GroupNetwork network, TaskHandle handle, int hostPort) {}

    /** An allocation of one task that serves on {@code inside} in its namespace, its port {@code http} mapped there. */
    private Alloc startServer(String name, int inside, String user) throws Exception {
        return startServer(name, inside, user, "127.0.0.1");
    }

    private Alloc startServer(String name, int inside, String user, String hostIp) throws Exception {
        int hostPort = freePort();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("command", "/usr/bin/perl");
        config.put("args", List.of("-e", SERVER, Integer.toString(inside)));
        config.put("port_map", Map.of("http", inside));
        TaskConfig base = fixture.task(name, config);
        base = base.withEnv(withAlloc(base));
        TaskConfig task = new TaskConfig(
                base.id(),
                base.driverConfig(),
                base.env(),
                new Resources(100, 64, List.of(new Port("http", hostPort, hostIp))),
                base.dirs(),
                user,
                base.killTimeout(),
                base.killSignal());
        allocs.add(task.id().allocId());
        GroupNetwork network =
                driver.createGroupNetwork(GroupNetworkRequest.of(task.id().allocId(), List.of(task)));
        String veth = List.of(run("ip", "-o", "link", "show").split("\n")).stream()
                .filter(l -> (l + " ").contains("link-netns " + network.id() + " "))
                .map(l -> l.split(":\\s+")[1].split("@")[0])
                .findFirst()
                .orElseThrow(() -> new AssertionError("no veth into " + network.id()));
        assertThat(veth).startsWith("tdveth");
        veths.put(task.id().allocId(), veth);
        Map<String, Object> joinedConfig = new LinkedHashMap<>(task.driverConfig());
        joinedConfig.putAll(network.taskOptions());
        TaskConfig joined = task.withDriverConfig(joinedConfig);
        assertThat(driver.prestart(joined, EventEmitter.NONE).portMap()).containsEntry("http", inside);
        TaskHandle handle = fixture.start(driver, user == null ? joined : as(user, joined));
        return new Alloc(joined, network, handle, hostPort);
    }

    private static Map<String, String> withAlloc(TaskConfig task) {
        Map<String, String> env = new LinkedHashMap<>(task.env());
        env.put("ALLOC", task.id().allocId());
        return env;
    }

    private static String address(TaskHandle handle) {
        ExecResult r = handle.exec(ExecRequest.of(List.of("ip", "-o", "-4", "addr", "show", "dev", "eth0"), TIMEOUT));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        String[] tokens = r.stdout().split("\\s+");
        for (int i = 0; i + 1 < tokens.length; i++) {
            if (tokens[i].equals("inet")) {
                return tokens[i + 1].substring(0, tokens[i + 1].indexOf('/'));
            }
        }
        throw new AssertionError("no address in " + r.stdout());
    }

    private static String readLine(int port) throws IOException {
        return readLine("127.0.0.1", port);
    }

    private static String readLine(String address, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
            s.setSoTimeout(2000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            return line == null ? "" : line;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void assertNothingLeftOf(String allocId) throws Exception {
        String name = "td-" + allocId;
        assertThat(Path.of("/run/netns/" + name)).doesNotExist();
        assertThat(run("ip", "netns", "list")).doesNotContain(name);
        assertThat(iptablesNat()).noneMatch(l -> l.contains("taskdrivers:" + name));
        assertThat(Path.of("/run/taskdrivers/group-networks/" + name + ".forwards"))
                .doesNotExist();
    }

    private static List<String> iptablesNat() throws Exception {
        return List.of(run("iptables", "-w", "-t", "nat", "-S").split("\n"));
    }

    private static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", argv) + ": " + out).isZero();
        return out;
    }
}
