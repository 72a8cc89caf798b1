package io.varmor.k8s.agent;

import io.varmor.k8s.model.KubeJson;
import io.varmor.k8s.status.NodeReport;
import io.varmor.k8s.status.ProfileReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * Sends this node's load results to the leader ({@code POST /apis/v1/status}) as full snapshots: one shortly after
 * any change (changes within {@code coalesce} travel together) and one every {@code heartbeat}, so a new leader
 * learns everything within one heartbeat. Authenticated with the agent's projected token (re-read on every 401);
 * failures are retried with exponential backoff and jitter.
 */
public final class StatusReporter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StatusReporter.class.getName());

    private final String nodeName;
    private final Supplier<URI> endpoint;
    private final TokenSource token;
    private final Supplier<SSLContext> tls;
    private SSLContext tlsInUse;
    private HttpClient http;
    private final Duration heartbeat;
    private final Duration coalesce;
    private final Duration backoffBase;
    private final Map<String, ProfileReport> state = new TreeMap<>();
    private final Thread thread;
    private boolean changed = true;
    private volatile boolean closed;
    private volatile long lastSuccess;
    private volatile int sent;

    /** Where the token comes from; {@link #invalidate()} forces a re-read. */
    public interface TokenSource extends Supplier<String> {
        default void invalidate() {}
    }

    /** @param tls trust for the manager's certificate; may yield null until the CA is available (reports are retried) */
    public StatusReporter(String nodeName, Supplier<URI> endpoint, TokenSource token, Supplier<SSLContext> tls,
                          Duration heartbeat, Duration coalesce, Duration backoffBase) {
        this.nodeName = nodeName;
        this.endpoint = endpoint;
        this.token = token;
        this.heartbeat = heartbeat;
        this.coalesce = coalesce;
        this.backoffBase = backoffBase;
        this.tls = tls;
        this.thread = new Thread(this::loop, "varmor-status-reporter");
        thread.setDaemon(true);
        thread.start();
    }

    /** Records this node's latest result for a profile. */
    public void set(ProfileReport r) {
        synchronized (state) {
            if (!r.equals(state.put(r.namespace() + "/" + r.armorProfile(), r))) {
                changed = true;
                state.notifyAll();
            }
        }
    }

    public void remove(String namespace, String profile) {
        synchronized (state) {
            if (state.remove(namespace + "/" + profile) != null) {
                changed = true;
                state.notifyAll();
            }
        }
    }

    /** The result last recorded for a profile, or null. */
    public ProfileReport get(String namespace, String profile) {
        synchronized (state) {
            return state.get(namespace + "/" + profile);
        }
    }

    /** Snapshots delivered so far. */
    public int sent() {
        return sent;
    }

    private void loop() {
        int failures = 0;
        long nextHeartbeat = 0;
        while (!closed) {
            List<ProfileReport> snapshot;
            synchronized (state) {
                long wait;
                while (!changed && (wait = nextHeartbeat - System.currentTimeMillis()) > 0 && !closed) {
                    try {
                        state.wait(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
            }
            sleep(coalesce.toMillis());
            synchronized (state) {
                changed = false;
                snapshot = new ArrayList<>(state.values());
            }
            if (send(new NodeReport(nodeName, true, snapshot))) {
                failures = 0;
                nextHeartbeat = System.currentTimeMillis() + heartbeat.toMillis();
            } else {
                failures++;
                synchronized (state) {
                    changed = true;
                }
                long backoff = Math.min(heartbeat.toMillis(), backoffBase.toMillis() << Math.min(failures - 1, 6));
                sleep(backoff + ThreadLocalRandom.current().nextLong(Math.max(1, backoff / 4)));
            }
        }
    }

    private boolean send(NodeReport r) {
        if (post("/apis/v1/status", r, "status report")) {
            lastSuccess = System.currentTimeMillis();
            sent++;
            return true;
        }
        return false;
    }

    /**
     * POSTs {@code body} as JSON to the leader's status service at {@code path}, authenticated as this node's agent.
     * Returns whether it was accepted (HTTP 200); a refusal other than 503 (not the leader) is logged.
     */
    public synchronized boolean post(String path, Object body, String what) {
        try {
            SSLContext ctx = tls.get();
            if (ctx == null) {
                return false;
            }
            if (ctx != tlsInUse) {
                http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
                tlsInUse = ctx;
            }
            byte[] bytes = KubeJson.mapper().writeValueAsBytes(body);
            HttpRequest req = HttpRequest.newBuilder(endpoint.get().resolve(path))
                    .timeout(Duration.ofSeconds(40))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token.get())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() == 200) {
                return true;
            }
            if (resp.statusCode() == 401) {
                token.invalidate();
            }
            if (resp.statusCode() != 503) {
                LOG.warning(what + " refused: HTTP " + resp.statusCode() + " " + resp.body());
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.fine(what + " failed: " + e);
            return false;
        }
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Wall-clock time of the last accepted report (0: none yet). */
    public long lastSuccess() {
        return lastSuccess;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (state) {
            state.notifyAll();
        }
        thread.interrupt();
    }
}
