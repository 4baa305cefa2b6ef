package dev.taskdrivers.runner.services;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Passing when a TCP connection to the address opens within the timeout. */
final class TcpProbe implements CheckProbe {
    private final ServiceAddress address;
    private final Duration timeout;

    TcpProbe(ServiceAddress address, Duration timeout) {
        this.address = address;
        this.timeout = timeout;
    }

    @Override
    public ProbeResult run() {
        String target = address.ip() + ":" + address.port();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.ip(), address.port()), (int) Math.max(1, timeout.toMillis()));
            return ProbeResult.passing("TCP connect " + target + ": Success");
        } catch (IOException e) {
            return ProbeResult.critical("TCP connect " + target + ": " + e.getMessage());
        }
    }
}
