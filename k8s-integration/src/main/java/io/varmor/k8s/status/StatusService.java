package io.varmor.k8s.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.varmor.k8s.HttpEndpoint;
import io.varmor.k8s.model.KubeJson;
import java.io.IOException;
import java.util.List;

import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The operator's side of the status channel ({@code POST /apis/v1/status}, {@code GET /healthz}). A report is
 * accepted only from an authenticated agent and only for the node its credential is bound to: 401 without a valid
 * token, 403 when the body names another node, 503 on a replica that is not the leader (agents retry; the
 * {@code varmor-status-svc} Service selects the leader). vArmor's single-profile body
 * ({@code {namespace, armorProfile, nodeName, status, message}}) is accepted too.
 */
public final class StatusService {
    private static final Logger LOG = Logger.getLogger(StatusService.class.getName());
    /** Header carrying the leader epoch in responses; agents send a full snapshot when it changes. */
    public static final String EPOCH_HEADER = "X-Varmor-Leader-Epoch";

    private final AgentAuthenticator auth;
    private final Supplier<Optional<String>> leaderEpoch;
    private final BiConsumer<String, NodeReport> sink;
    private volatile BiConsumer<String, BehaviorData> dataSink;
    private volatile ModelAccess modelAccess;
    private volatile ModelEndpoint models;

    /** Path prefix of the model export endpoint (vArmor's): {@code <prefix><namespace>/armorprofilemodels/<name>}. */
    public static final String MODELS = "/apis/crd.varmor.org/v1beta1/namespaces/";

    /**
     * @param leaderEpoch empty when this replica does not lead, else an id that changes with every leadership term
     * @param sink receives (authenticated node, report)
     */
    public StatusService(AgentAuthenticator auth, Supplier<Optional<String>> leaderEpoch, BiConsumer<String, NodeReport> sink) {
        this.auth = auth;
        this.leaderEpoch = leaderEpoch;
        this.sink = sink;
    }

    /** Also accepts behaviour models ({@code POST /apis/v1/data}) and hands them to {@code sink} (authenticated node, data). */
    public StatusService withModelData(BiConsumer<String, BehaviorData> sink) {
        this.dataSink = sink;
        return this;
    }

    /**
     * Also exports and imports ArmorProfileModels ({@code /apis/crd.varmor.org/v1beta1/namespaces/NS/armorprofilemodels/NAME}):
     * GET returns the whole model including data kept on the leader's disk (LocalDisk) to a bearer token {@code access}
     * allows to {@code get} it; POST imports one (ArmorProfileModel JSON) for a token allowed to {@code create} it.
     */
    public StatusService withModelExport(ModelAccess access, ModelEndpoint models) {
        this.modelAccess = access;
        this.models = models;
        return this;
    }

    public void register(HttpEndpoint endpoint) {
        endpoint.handle("/healthz", ex -> HttpEndpoint.respond(ex, 200, "text/plain", "ok"));
        endpoint.handle("/apis/v1/status", this::status);
        endpoint.handle("/apis/v1/data", this::data);
        endpoint.handle(MODELS, this::exportModel);
    }

    void exportModel(HttpExchange ex) throws IOException {
        String[] p = ex.getRequestURI().getPath().substring(MODELS.length()).split("/");
        if (p.length != 3 || !p[1].equals("armorprofilemodels") || p[0].isEmpty() || p[2].isEmpty()) {
            HttpEndpoint.respond(ex, 404, "text/plain", "not found");
            return;
        }
        boolean get = "GET".equals(ex.getRequestMethod());
        if (!get && !"POST".equals(ex.getRequestMethod())) {
            HttpEndpoint.respond(ex, 405, "text/plain", "GET (export) or POST (import)");
            return;
        }
        byte[] body = get ? new byte[0] : HttpEndpoint.body(ex);
        ModelAccess access = modelAccess;
        ModelEndpoint m = models;
        if (access == null || m == null) {
            HttpEndpoint.respond(ex, 404, "text/plain", "behaviour modelling is not enabled on this operator");
            return;
        }
        if (leaderEpoch.get().isEmpty()) {
            HttpEndpoint.respond(ex, 503, "text/plain", "not the leader");
            return;
        }
        String token = token(ex);
        boolean ok;
        try {
            ok = token != null && access.allowed(token, get ? "get" : "create", p[0], p[2]);
        } catch (RuntimeException e) {
            HttpEndpoint.respond(ex, 500, "text/plain", "cannot check access: " + e.getMessage());
            return;
        }
        if (!ok) {
            HttpEndpoint.respond(ex, token == null ? 401 : 403, "text/plain", "forbidden: a bearer token allowed to "
                    + (get ? "get" : "create") + " armorprofilemodels in " + p[0] + " is required");
            return;
        }
        Optional<?> model;
        try {
            model = get ? m.get(p[0], p[2]) : Optional.of(m.importModel(p[0], p[2], body));
        } catch (IllegalArgumentException e) {
            HttpEndpoint.respond(ex, 400, "text/plain", "bad model: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            HttpEndpoint.respond(ex, 500, "text/plain", e.getMessage());
            return;
        }
        if (model.isEmpty()) {
            HttpEndpoint.respond(ex, 404, "text/plain", "no ArmorProfileModel " + p[0] + "/" + p[2]);
            return;
        }
        HttpEndpoint.respond(ex, 200, "application/json", KubeJson.mapper().writeValueAsString(model.get()));
    }

    /** An admitted request: the caller's node and the leadership term it was admitted in. */
    private record Admitted(String node, String epoch) {}

    /** The caller when the request may proceed (POST, leader, authenticated); otherwise answered here. */
    private Optional<Admitted> admit(HttpExchange ex) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            HttpEndpoint.respond(ex, 405, "text/plain", "POST only");
            return Optional.empty();
        }
        Optional<String> epoch = leaderEpoch.get();
        if (epoch.isEmpty()) {
            HttpEndpoint.respond(ex, 503, "text/plain", "not the leader");
            return Optional.empty();
        }
        Optional<AgentIdentity> who = auth.authenticate(token(ex));
        if (who.isEmpty()) {
            HttpEndpoint.respond(ex, 401, "text/plain", "unauthenticated: a varmor agent's service account token is required");
            return Optional.empty();
        }
        return Optional.of(new Admitted(who.get().nodeName(), epoch.get()));
    }

    void data(HttpExchange ex) throws IOException {
        byte[] body = HttpEndpoint.body(ex);
        Optional<String> node = admit(ex).map(Admitted::node);
        if (node.isEmpty()) {
            return;
        }
        BiConsumer<String, BehaviorData> s = dataSink;
        if (s == null) {
            HttpEndpoint.respond(ex, 404, "text/plain", "behaviour modelling is not enabled on this operator");
            return;
        }
        BehaviorData d;
        try {
            d = KubeJson.mapper().readValue(body, BehaviorData.class);
            if (d.namespace() == null || d.armorProfile() == null || d.dynamicResult() == null) {
                throw new IOException("namespace, armorProfile and dynamicResult are required");
            }
        } catch (IOException | RuntimeException e) {
            HttpEndpoint.respond(ex, 400, "text/plain", "bad behaviour data: " + e.getMessage());
            return;
        }
        if (d.nodeName() != null && !d.nodeName().equals(node.get())) {
            LOG.warning("agent of node " + node.get() + " tried to send behaviour data for node " + d.nodeName() + "; refused");
            HttpEndpoint.respond(ex, 403, "text/plain", "forbidden: this agent may only send data for node " + node.get());
            return;
        }
        try {
            s.accept(node.get(), d);
        } catch (RuntimeException e) {
            HttpEndpoint.respond(ex, 500, "text/plain", "cannot store the behaviour data: " + e.getMessage());
            return;
        }
        HttpEndpoint.respond(ex, 200, "application/json", "{\"accepted\":true}");
    }

    void status(HttpExchange ex) throws IOException {
        byte[] body = HttpEndpoint.body(ex);
        Optional<Admitted> caller = admit(ex);
        if (caller.isEmpty()) {
            return;
        }
        NodeReport report;
        try {
            report = parse(body);
        } catch (IOException | RuntimeException e) {
            HttpEndpoint.respond(ex, 400, "text/plain", "bad report: " + e.getMessage());
            return;
        }
        String node = caller.get().node();
        if (report.nodeName() != null && !report.nodeName().equals(node)) {
            LOG.warning("agent of node " + node + " tried to report for node " + report.nodeName() + "; refused");
            HttpEndpoint.respond(ex, 403, "text/plain", "forbidden: this agent may only report for node " + node);
            return;
        }
        sink.accept(node, report);
        ex.getResponseHeaders().set(EPOCH_HEADER, caller.get().epoch());
        HttpEndpoint.respond(ex, 200, "application/json", "{\"accepted\":" + (report.reports() == null ? 0 : report.reports().size()) + "}");
    }

    private static String token(HttpExchange ex) {
        String a = ex.getRequestHeaders().getFirst("Authorization");
        if (a != null && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return a.substring(7).trim();
        }
        return ex.getRequestHeaders().getFirst("Token");
    }

    static NodeReport parse(byte[] body) throws IOException {
        JsonNode n = KubeJson.mapper().readTree(body);
        if (n == null || !n.isObject()) {
            throw new IOException("expected a JSON object");
        }
        if (n.has("reports")) {
            return KubeJson.mapper().treeToValue(n, NodeReport.class);
        }
        ProfileReport one = KubeJson.mapper().treeToValue(n, ProfileReport.class);
        return new NodeReport(n.path("nodeName").asText(null), false, List.of(one));
    }

}
