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

/** A client of a VM's human monitor on a unix socket: one connection per command. */
final class Monitor {
    private static final String PROMPT = "(qemu) ";

    private Monitor() {}

    /**
     * Sends one command once the monitor has greeted us, and waits until it has been read (the next prompt). qemu
     * closing the connection right after the command is fine: a guest may power off at once.
     *
     * @throws IOException when the socket does not answer or the exchange does not finish within {@code timeout}
     */
    static void send(Path socket, String command, Duration timeout) throws IOException {
        exchange(socket, command, timeout, false);
    }

    /**
     * Runs one command and returns what the monitor answered. Only a running main loop answers, so this also proves
     * qemu finished starting (a listening socket alone does not: qemu listens before it loads the kernel).
     *
     * @throws IOException when there is no complete answer within {@code timeout}
     */
    static String query(Path socket, String command, Duration timeout) throws IOException {
        return exchange(socket, command, timeout, true);
    }

    private static String exchange(Path socket, String command, Duration timeout, boolean answerRequired)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            StringBuilder seen = new StringBuilder();
            if (!readUntil(channel, selector, seen, 1, deadline)) {
                throw new IOException("qemu monitor closed the connection before its prompt");
            }
            int greeting = seen.length();
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            if (!readUntil(channel, selector, seen, 2, deadline) && answerRequired) {
                throw new IOException("qemu monitor closed the connection before answering " + command);
            }
            return seen.substring(greeting);
        }
    }

    /** Reads until the prompt was seen {@code occurrences} times; false when qemu closed the connection first. */
    private static boolean readUntil(
            SocketChannel channel, Selector selector, StringBuilder seen, int occurrences, long deadline)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (count(seen, PROMPT) < occurrences) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new IOException("qemu monitor did not answer in time");
            }
            selector.select(left);
            selector.selectedKeys().clear();
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                return false;
            }
            seen.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
        }
        return true;
    }

    private static int count(CharSequence text, String marker) {
        int n = 0;
        for (int i = text.toString().indexOf(marker);
                i >= 0;
                i = text.toString().indexOf(marker, i + 1)) {
            n++;
        }
        return n;
    }
}
