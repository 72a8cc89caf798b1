package io.varmor.k8s.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.varmor.k8s.model.KubeJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Reading {@code admission.k8s.io/v1} AdmissionReview requests and writing their responses. */
public final class AdmissionReviews {
    private AdmissionReviews() {}

    /** The fields of {@code request} the webhooks use. */
    public record Request(String uid, String group, String kind, String operation, String namespace, String name,
                          JsonNode object, JsonNode oldObject, boolean dryRun) {}

    public static Request parse(byte[] body) throws java.io.IOException {
        JsonNode review = KubeJson.mapper().readTree(body);
        JsonNode r = review == null ? null : review.get("request");
        if (r == null || !r.isObject() || !r.path("uid").isTextual()) {
            throw new java.io.IOException("not an AdmissionReview request (request.uid missing)");
        }
        JsonNode kind = r.path("kind");
        return new Request(r.path("uid").asText(), kind.path("group").asText(""), kind.path("kind").asText(""),
                r.path("operation").asText(""), r.path("namespace").asText(""), r.path("name").asText(""),
                r.path("object"), r.path("oldObject"), r.path("dryRun").asBoolean(false));
    }

    /** Allowed, optionally with a JSON Patch and warnings. */
    public static byte[] allow(String uid, ArrayNode patch, List<String> warnings) {
        ObjectNode resp = response(uid, true);
        if (patch != null && !patch.isEmpty()) {
            resp.put("patchType", "JSONPatch");
            resp.put("patch", Base64.getEncoder().encodeToString(patch.toString().getBytes(StandardCharsets.UTF_8)));
        }
        warnings(resp, warnings);
        return review(resp);
    }

    /**
     * Denied with HTTP-like {@code code}; {@code causes} are (field, message) pairs that {@code kubectl} and API
     * clients show next to the message.
     */
    public static byte[] deny(String uid, int code, String message, List<String[]> causes, List<String> warnings) {
        ObjectNode resp = response(uid, false);
        ObjectNode status = resp.putObject("status");
        status.put("code", code);
        status.put("reason", code == 403 ? "Forbidden" : "Invalid");
        status.put("message", message);
        if (!causes.isEmpty()) {
            ArrayNode cs = status.putObject("details").putArray("causes");
            for (String[] c : causes) {
                cs.addObject().put("reason", "FieldValueInvalid").put("field", c[0]).put("message", c[1]);
            }
        }
        warnings(resp, warnings);
        return review(resp);
    }

    private static ObjectNode response(String uid, boolean allowed) {
        ObjectNode resp = KubeJson.mapper().createObjectNode();
        resp.put("uid", uid);
        resp.put("allowed", allowed);
        return resp;
    }

    private static void warnings(ObjectNode resp, List<String> warnings) {
        if (warnings != null && !warnings.isEmpty()) {
            ArrayNode w = resp.putArray("warnings");
            warnings.forEach(w::add);
        }
    }

    private static byte[] review(ObjectNode response) {
        ObjectNode r = KubeJson.mapper().createObjectNode();
        r.put("apiVersion", "admission.k8s.io/v1");
        r.put("kind", "AdmissionReview");
        r.set("response", response);
        return r.toString().getBytes(StandardCharsets.UTF_8);
    }
}
