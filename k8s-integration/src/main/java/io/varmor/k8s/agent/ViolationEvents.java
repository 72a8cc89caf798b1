package io.varmor.k8s.agent;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.varmor.api.event.ViolationEvent;
import io.varmor.core.spi.EventSink;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Turns violations into Kubernetes Events on the offending Pod ({@code Warning}, reason {@code Violation}), rate
 * limited so that an attack or a noisy workload cannot flood the API server: a token bucket per pod
 * ({@code burst} events, then one per {@code refillMillis}) and a node-wide one; suppressed violations are counted
 * and the next event of that pod says how many. Sending happens off the caller's thread (the enforcers' event
 * threads must not block); when the queue is full, events are dropped and counted.
 */
public final class ViolationEvents implements EventSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ViolationEvents.class.getName());

    private final KubernetesClient client;
    private final String nodeName;
    private final int burst;
    private final long refillMillis;
    private final LongSupplier clock;
    private final Bucket node;
    private final Map<String, Bucket> perPod = new HashMap<>();
    private final Map<String, Integer> suppressed = new HashMap<>();
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(1000);
    private final Thread sender;
    private long dropped;
    private long emitted;

    private static final class Bucket {
        final int capacity;
        final long refill;
        double tokens;
        long last;

        Bucket(int capacity, long refill, long now) {
            this.capacity = capacity;
            this.refill = refill;
            this.tokens = capacity;
            this.last = now;
        }

        boolean take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) / (double) refill);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    public ViolationEvents(KubernetesClient client, String nodeName, int burst, long refillMillis, LongSupplier clock) {
        this.client = client;
        this.nodeName = nodeName;
        this.burst = burst;
        this.refillMillis = refillMillis;
        this.clock = clock;
        this.node = new Bucket(burst * 10, Math.max(1, refillMillis / 10), clock.getAsLong());
        this.sender = new Thread(this::send, "varmor-violation-events");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public void accept(ViolationEvent v) {
        if (v.podName() == null || v.podNamespace() == null) {
            return; // not attributable to a pod
        }
        String key = v.podNamespace() + "/" + v.podName();
        int skipped;
        synchronized (this) {
            long now = clock.getAsLong();
            Bucket b = perPod.computeIfAbsent(key, k -> new Bucket(burst, refillMillis, now));
            if (!b.take(now) || !node.take(now)) {
                suppressed.merge(key, 1, Integer::sum);
                return;
            }
            Integer s = suppressed.remove(key);
            skipped = s == null ? 0 : s;
            if (perPod.size() > 10_000) {
                perPod.clear();
            }
        }
        Event e = event(v, skipped);
        synchronized (this) {
            if (queue.offer(e)) {
                emitted++;
            } else {
                dropped++;
            }
        }
    }

    /** Events queued for sending so far, and events dropped because the queue was full. */
    public synchronized long[] counts() {
        return new long[] {emitted, dropped};
    }

    /** Violations suppressed by the rate limit and not yet reported, per pod. */
    public synchronized Map<String, Integer> suppressed() {
        return Map.copyOf(suppressed);
    }

    Event event(ViolationEvent v, int skipped) {
        String what = describe(v.event());
        String msg = v.enforcer() + " " + v.action() + " " + what + " in container " + v.containerName()
                + " (profile " + v.profileName() + (v.ruleId() == null ? "" : ", rule " + v.ruleId()) + ")"
                + (skipped > 0 ? "; " + skipped + " similar violations suppressed by the rate limit" : "");
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return new EventBuilder()
                .withNewMetadata().withNamespace(v.podNamespace()).withName(v.podName() + "." + UUID.randomUUID().toString().substring(0, 13)).endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace(v.podNamespace()).withName(v.podName())
                .withUid(v.podUID()).withFieldPath(v.containerName() == null ? null : "spec.containers{" + v.containerName() + "}").endInvolvedObject()
                .withType("Warning").withReason("Violation").withMessage(msg.length() > 1024 ? msg.substring(0, 1024) : msg)
                .withNewSource().withComponent("varmor-agent").withHost(nodeName).endSource()
                .withReportingComponent("varmor-agent").withReportingInstance(nodeName)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1 + skipped)
                .build();
    }

    private static String describe(Map<String, Object> e) {
        if (e == null) {
            return "operation";
        }
        Object op = e.getOrDefault("operation", e.getOrDefault("syscall", "operation"));
        Object target = e.containsKey("path") ? e.get("path") : e.containsKey("capability") ? e.get("capability") : e.get("address");
        return op + (target == null ? "" : " " + target);
    }

    private void send() {
        while (true) {
            Event e;
            try {
                e = queue.take();
            } catch (InterruptedException ex) {
                return;
            }
            try {
                client.v1().events().inNamespace(e.getMetadata().getNamespace()).resource(e).create();
            } catch (RuntimeException ex) {
                LOG.fine("cannot create event: " + ex.getMessage());
            }
        }
    }

    @Override
    public void close() {
        sender.interrupt();
    }
}
