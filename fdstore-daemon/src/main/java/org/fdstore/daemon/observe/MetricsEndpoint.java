package org.fdstore.daemon.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics} in the Prometheus text format with the JDK's HTTP server, on one daemon thread of its
 * own. Each scrape asks the event loop for a snapshot and writes it out on this thread: nothing here reads the
 * loop's state.
 *
 * <p>Thread safe.
 */
public final class MetricsEndpoint implements AutoCloseable {
    /** How long a scrape waits for the loop's snapshot before it answers 503. */
    private static final long SNAPSHOT_WAIT_MILLIS = 2_000;
    private final HttpServer http;
    /** Serves every exchange, one at a time: scrapes are rare, and one thread never races another. */
    private final ExecutorService thread;

    private MetricsEndpoint(HttpServer http, ExecutorService thread) {
        this.http = http;
        this.thread = thread;
    }

    /**
     * Binds {@code hostPort} (with SO_REUSEADDR, so that a successor binds what its predecessor just released) and
     * serves.
     *
     * @param snapshot asks the event loop for the metrics; called once per scrape
     * @throws IOException if the address cannot be bound (EADDRINUSE and the like), naming it
     * @throws IllegalArgumentException if {@code hostPort} is not {@code HOST:PORT}
     */
    public static MetricsEndpoint start(String hostPort, Supplier<CompletableFuture<List<MetricFamily>>> snapshot)
            throws IOException {
        InetSocketAddress address = parse(hostPort);
        // HttpServer binds a ServerSocketChannel, which the JDK opens with SO_REUSEADDR set on Linux.
        HttpServer http;
        try {
            http = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new IOException("--metrics " + hostPort + ": cannot bind it (" + errnoName(e.getMessage()) + ": "
                    + e.getMessage() + "); choose another address, or stop what listens there", e);
        }
        http.createContext("/metrics", exchange -> serve(exchange, snapshot));
        ExecutorService thread = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("fdstore-metrics").factory());
        http.setExecutor(thread);
        http.start();
        return new MetricsEndpoint(http, thread);
    }

    /** The address bound, with the port chosen if 0 was asked for. */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** Stops serving and releases the port at once. */
    @Override
    public void close() {
        http.stop(0);
        thread.shutdownNow();
    }

    /**
     * {@code HOST:PORT}, the host a name or an address ({@code [::1]} for IPv6), the port 0 to 65535.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("--metrics " + hostPort + ": expected HOST:PORT, e.g. 127.0.0.1:9464");
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--metrics " + hostPort + ": the port must be a number from 0 to 65535");
        }
        return new InetSocketAddress(host, port);
    }

    /** The errno behind the JDK's message for a failed bind, which gives only its text. */
    private static String errnoName(String message) {
        if (message == null) return "EIO";
        if (message.contains("already in use")) return "EADDRINUSE";
        if (message.contains("assign requested address")) return "EADDRNOTAVAIL";
        if (message.contains("Permission denied")) return "EACCES";
        return "bind failed";
    }

    private static void serve(HttpExchange exchange, Supplier<CompletableFuture<List<MetricFamily>>> snapshot)
            throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                answer(exchange, 405, "only GET /metrics is served\n");
                return;
            }
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                answer(exchange, 404, "only GET /metrics is served\n");
                return;
            }
            String text;
            try {
                text = MetricsText.render(snapshot.get().get(SNAPSHOT_WAIT_MILLIS, TimeUnit.MILLISECONDS));
            } catch (TimeoutException | ExecutionException | java.util.concurrent.CancellationException e) {
                answer(exchange, 503, "the store did not answer; it may be stopping\n");
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer(exchange, 503, "interrupted\n");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", MetricsText.CONTENT_TYPE);
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
