package io.varmor.k8s.metrics;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.varmor.k8s.HttpEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The manager's metrics (spec §9.3), served in the Prometheus text format at {@code :8081/metrics}. Counter names
 * get the {@code _total} suffix in the exposition, as vArmor's OpenTelemetry exporter does.
 */
public final class VarmorMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter success = Counter.builder().name("varmor_profile_processing_success")
            .help("ArmorProfile loads reported successful by agents").labelNames("node_name").register(registry);
    private final Counter failure = Counter.builder().name("varmor_profile_processing_failure")
            .help("ArmorProfile loads reported failed by agents").labelNames("node_name").register(registry);
    private final Counter change = Counter.builder().name("varmor_profile_change_count")
            .help("Changes of a node's load state for an ArmorProfile").labelNames("node_name").register(registry);
    private final Counter admission = Counter.builder().name("varmor_admission_requests_total")
            .help("Admission requests for workloads (not for varmor's own API group)").register(registry);
    private final Counter mutated = Counter.builder().name("varmor_mutated_requests")
            .help("Admission requests answered with a patch").register(registry);
    private final Counter notMutated = Counter.builder().name("varmor_non_mutated_requests")
            .help("Admission requests answered without a patch").register(registry);
    private final Histogram latency = Histogram.builder().name("varmor_webhook_latency")
            .help("Mutating webhook latency in seconds")
            .classicOnly().classicUpperBounds(0.1, 0.5, 1, 2, 4, 8, 10)
            .labelNames("request_kind", "request_operation", "request_mutated").register(registry);

    /** An agent's result for a profile; {@code changed} when it differs from the node's previous result. */
    public void profileProcessed(String node, boolean ok, boolean changed) {
        (ok ? success : failure).labelValues(node).inc();
        if (changed) {
            change.labelValues(node).inc();
        }
    }

    public void admission(String kind, String operation, boolean patched, long nanos) {
        admission.inc();
        (patched ? mutated : notMutated).inc();
        latency.labelValues(kind, operation, Boolean.toString(patched)).observe(nanos / 1e9);
    }

    /** The exposition text. */
    public String scrape() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code GET /metrics}. */
    public void handle(HttpExchange ex) throws IOException {
        HttpEndpoint.respond(ex, 200, PrometheusTextFormatWriter.CONTENT_TYPE, scrape());
    }
}
