package io.varmor.k8s;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An HTTP(S) server on the JDK's {@code com.sun.net.httpserver} with a small fixed thread pool: the webhook (3443),
 * status (8080) and metrics (8081) servers. Request bodies are capped at {@link #MAX_BODY} bytes.
 */
public final class HttpEndpoint implements AutoCloseable {
    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK:
        // ~40 ms per keep-alive request. Read once by the JDK when the first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Largest request body read (AdmissionReview objects are bounded by etcd's 1.5 MiB; leave room). */
    public static final int MAX_BODY = 8 << 20;

    private final HttpServer server;
    private final ExecutorService pool;

    private HttpEndpoint(HttpServer server, String name, int threads) {
        this.server = server;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "varmor-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
    }

    /** HTTPS on {@code port} (0: any free port), or plain HTTP when {@code tls} is null. */
    public static HttpEndpoint create(String name, int port, SSLContext tls, int threads) {
        try {
            HttpServer s;
            if (tls != null) {
                HttpsServer https = HttpsServer.create(new InetSocketAddress(port), 128);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                s = https;
            } else {
                s = HttpServer.create(new InetSocketAddress(port), 128);
            }
            return new HttpEndpoint(s, name, threads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port + " (" + name + ")", e);
        }
    }

    public HttpEndpoint handle(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                handler.handle(exchange);
            } catch (RuntimeException | IOException e) {
                try {
                    respond(exchange, 500, "text/plain", "internal error: " + e.getMessage());
                } catch (IOException | RuntimeException ignored) {
                    // the response may already have been sent
                }
            }
        });
        return this;
    }

    public HttpEndpoint start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    /** Reads the request body, refusing bodies over {@link #MAX_BODY}. */
    public static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new IOException("request body larger than " + MAX_BODY + " bytes");
            }
            return b;
        }
    }

    public static void respond(HttpExchange ex, int code, String contentType, String body) throws IOException {
        respond(ex, code, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    public static void respond(HttpExchange ex, int code, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
