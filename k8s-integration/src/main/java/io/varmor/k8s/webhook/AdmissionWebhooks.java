package io.varmor.k8s.webhook;

import com.sun.net.httpserver.HttpExchange;
import io.varmor.api.diag.Diagnostic;
import io.varmor.k8s.HttpEndpoint;
import io.varmor.k8s.metrics.VarmorMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The HTTP side of the webhooks: {@code POST /mutate}, {@code POST /validate} (AdmissionReview v1), and
 * {@code GET /healthz}. A request that cannot be processed gets HTTP 500, so the API server applies the webhook's
 * {@code failurePolicy} (default {@code Ignore}: the object is admitted unmodified; see the chart's values).
 */
public final class AdmissionWebhooks {
    private static final Logger LOG = Logger.getLogger(AdmissionWebhooks.class.getName());

    private final Mutator mutator;
    private final PolicyAdmission admission;
    private final VarmorMetrics metrics;

    public AdmissionWebhooks(Mutator mutator, PolicyAdmission admission, VarmorMetrics metrics) {
        this.mutator = mutator;
        this.admission = admission;
        this.metrics = metrics;
    }

    public void register(HttpEndpoint endpoint) {
        endpoint.handle("/mutate", this::mutate);
        endpoint.handle("/validate", this::validate);
        endpoint.handle("/healthz", ex -> HttpEndpoint.respond(ex, 200, "text/plain", "ok"));
    }

    void mutate(HttpExchange ex) throws IOException {
        long start = System.nanoTime();
        AdmissionReviews.Request r = read(ex);
        if (r == null) {
            return;
        }
        Optional<Mutator.Result> result;
        try {
            result = mutator.mutate(r.kind(), r.operation(), r.namespace(), r.object());
        } catch (RuntimeException e) {
            LOG.warning("mutate " + r.kind() + " " + r.namespace() + "/" + r.name() + ": " + e);
            HttpEndpoint.respond(ex, 500, "text/plain", "mutation failed: " + e.getMessage());
            return;
        }
        byte[] body = AdmissionReviews.allow(r.uid(), result.map(Mutator.Result::patch).orElse(null), List.of());
        // recorded before answering, so a scrape after the response always sees this request
        if (metrics != null && !"crd.varmor.org".equals(r.group())) {
            metrics.admission(r.kind(), r.operation(), result.isPresent(), System.nanoTime() - start);
        }
        HttpEndpoint.respond(ex, 200, "application/json", body);
    }

    void validate(HttpExchange ex) throws IOException {
        AdmissionReviews.Request r = read(ex);
        if (r == null) {
            return;
        }
        PolicyAdmission.Decision d;
        try {
            d = admission.review(r);
        } catch (RuntimeException e) {
            LOG.warning("validate " + r.kind() + " " + r.namespace() + "/" + r.name() + ": " + e);
            HttpEndpoint.respond(ex, 500, "text/plain", "validation failed: " + e.getMessage());
            return;
        }
        byte[] body;
        if (d.allowed()) {
            body = AdmissionReviews.allow(r.uid(), null, d.warnings());
        } else {
            List<String[]> causes = new ArrayList<>();
            for (Diagnostic e : d.errors()) {
                causes.add(new String[] {e.path(), e.message() + " [" + e.id().id() + "]"});
            }
            body = AdmissionReviews.deny(r.uid(), 422, d.message(), causes, d.warnings());
        }
        HttpEndpoint.respond(ex, 200, "application/json", body);
    }

    private static AdmissionReviews.Request read(HttpExchange ex) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            HttpEndpoint.respond(ex, 405, "text/plain", "POST an AdmissionReview");
            return null;
        }
        try {
            return AdmissionReviews.parse(HttpEndpoint.body(ex));
        } catch (IOException e) {
            HttpEndpoint.respond(ex, 400, "text/plain", "bad AdmissionReview: " + e.getMessage());
            return null;
        }
    }
}
