package dev.taskdrivers.qemu.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of the QEMU Guest Agent on the unix socket behind the VM's {@code org.qemu.guest_agent.0} port, speaking
 * just the two commands a shutdown needs.
 */
final class GuestAgent {
    private static final Pattern RETURN = Pattern.compile("\"return\"\\s*:\\s*(-?\\d+)");

    private GuestAgent() {}

    /**
     * Synchronises with the agent, then asks it to shut the guest down. Without an agent in the guest the socket
     * still accepts (qemu listens on it), so only the agent's answer to guest-sync proves someone will act. The agent
     * may power off before answering guest-shutdown, so no answer to it is awaited.
     *
     * @throws IOException when the socket cannot be reached or the agent does not answer guest-sync with its id in
     *     time
     */
    static void requestShutdown(Path socket, Duration syncTimeout) throws IOException {
        long deadline = System.nanoTime() + syncTimeout.toNanos();
        long id = ThreadLocalRandom.current().nextLong(1, Integer.MAX_VALUE);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            write(channel, "{\"execute\":\"guest-sync\",\"arguments\":{\"id\":" + id + "}}");
            awaitSync(channel, selector, id, deadline, syncTimeout);
            write(channel, "{\"execute\":\"guest-shutdown\"}");
        }
    }

    /** Reads answers until one returns {@code id}: an answer to an earlier client's sync is skipped. */
    private static void awaitSync(SocketChannel channel, Selector selector, long id, long deadline, Duration timeout)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        StringBuilder seen = new StringBuilder();
        while (true) {
            Matcher m = RETURN.matcher(seen);
            while (m.find()) {
                if (Long.parseLong(m.group(1)) == id) {
                    return;
                }
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new IOException("no guest agent answered guest-sync within " + VmStop.format(timeout));
            }
            selector.select(left);
            selector.selectedKeys().clear();
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                throw new IOException("qemu closed the guest agent socket before the agent answered guest-sync");
            }
            seen.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
        }
    }

    private static void write(SocketChannel channel, String command) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }
}
