package dev.taskdrivers.cli.internal;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A stand-in for the Docker engine on a unix socket, just real enough for the docker driver to run one task to its
 * end: the image is present, the container is created, starts and has already exited with code 0. It lets the
 * class-data training load the classes of a docker task's whole path (HTTP transport, JSON of requests, responses
 * and events) without an engine on the build machine.
 */
final class TrainingDockerEngine implements Closeable {
    private static final String CONTAINER_ID = "0123456789abcdef".repeat(4);
    private static final String IMAGE_ID = "sha256:" + "0".repeat(64);

    private final Path socket;
    private final ServerSocketChannel server;

    TrainingDockerEngine(Path socket) throws IOException {
        this.socket = socket;
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread acceptor = new Thread(this::accept, "training-engine");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The endpoint to give the docker driver. */
    String endpoint() {
        return "unix://" + socket;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel connection = server.accept();
                Thread t = new Thread(() -> serve(connection), "training-engine-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel connection) {
        try (connection;
                InputStream in = Channels.newInputStream(connection);
                OutputStream out = Channels.newOutputStream(connection)) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                skipBody(in, head);
                String[] requestLine = head.substring(0, head.indexOf('\r')).split(" ");
                String method = requestLine[0];
                String path = requestLine[1].replaceFirst("^/v[0-9.]+/", "/").replaceFirst("\\?.*$", "");
                if (path.equals("/events")) {
                    streamOneEvent(out);
                    in.transferTo(OutputStream.nullOutputStream()); // held open until the client closes it
                    return;
                }
                answer(out, method, path);
            }
        } catch (IOException | RuntimeException e) {
            // the client went away: nothing to train any more on this connection
        }
    }

    private static void answer(OutputStream out, String method, String path) throws IOException {
        if (path.equals("/_ping")) {
            respond(out, 200, "text/plain", "OK");
        } else if (path.equals("/containers/json")) {
            respond(out, 200, "application/json", "[]");
        } else if (path.startsWith("/images/") && path.endsWith("/json")) {
            respond(out, 200, "application/json", "{\"Id\":\"" + IMAGE_ID + "\",\"RepoTags\":[],\"Size\":1}");
        } else if (path.equals("/containers/create")) {
            respond(out, 201, "application/json", "{\"Id\":\"" + CONTAINER_ID + "\",\"Warnings\":[]}");
        } else if (method.equals("POST") || method.equals("DELETE")) {
            respond(out, 204, null, "");
        } else if (path.startsWith("/containers/") && path.endsWith("/json")) {
            respond(out, 200, "application/json", inspect());
        } else {
            respond(out, 404, "application/json", "{\"message\":\"not part of the training\"}");
        }
    }

    private static String inspect() {
        return "{\"Id\":\"" + CONTAINER_ID + "\",\"Name\":\"/training\",\"Image\":\"" + IMAGE_ID + "\","
                + "\"State\":{\"Status\":\"exited\",\"Running\":false,\"Paused\":false,\"Restarting\":false,"
                + "\"OOMKilled\":false,\"Dead\":false,\"Pid\":0,\"ExitCode\":0,\"Error\":\"\","
                + "\"StartedAt\":\"2024-01-01T00:00:00.000000000Z\",\"FinishedAt\":\"2024-01-01T00:00:01.000000000Z\"},"
                + "\"Config\":{\"Labels\":{},\"Env\":[],\"Cmd\":[\"/bin/true\"]},"
                + "\"HostConfig\":{\"NetworkMode\":\"bridge\"},"
                + "\"NetworkSettings\":{\"Networks\":{\"bridge\":"
                + "{\"IPAddress\":\"172.17.0.2\",\"Gateway\":\"172.17.0.1\"}}}}";
    }

    private static void streamOneEvent(OutputStream out) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String event = "{\"Type\":\"container\",\"Action\":\"die\",\"status\":\"die\",\"id\":\"" + CONTAINER_ID
                + "\",\"Actor\":{\"ID\":\"" + CONTAINER_ID + "\",\"Attributes\":{\"exitCode\":\"0\"}},"
                + "\"time\":1704067201,\"timeNano\":1704067201000000000}\n";
        byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void respond(OutputStream out, int status, @Nullable String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ")
                .append(status)
                .append(status < 300 ? " OK" : " Not Found")
                .append("\r\nContent-Length: ")
                .append(bytes.length)
                .append("\r\n");
        if (type != null) {
            head.append("Content-Type: ").append(type).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** The request line and headers, or null at the end of the connection. */
    private static @Nullable String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    private static void skipBody(InputStream in, String head) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        int at = lower.indexOf("\r\ncontent-length:");
        if (at >= 0) {
            int end = lower.indexOf('\r', at + 2);
            long length = Long.parseLong(
                    lower.substring(at + "\r\ncontent-length:".length(), end).strip());
            in.skipNBytes(length);
        } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
            while (true) {
                String size = readLine(in);
                long length = Long.parseLong(size.strip(), 16);
                in.skipNBytes(length + 2);
                if (length == 0) {
                    return;
                }
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
