package io.varmor.k8s.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.varmor.api.ArmorProfile;
import io.varmor.api.PolicyResource;
import io.varmor.api.VarmorClusterPolicy;
import io.varmor.api.VarmorPolicy;
import io.varmor.api.io.Manifests;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.validate.PolicyValidator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Conversions between the fabric8 resources and the {@code varmor-api} records, through JSON. Reading from the API
 * server is lenient about fields the records do not model (the server adds metadata such as {@code managedFields}
 * entries); documents typed by users are read strictly by {@link Manifests}.
 */
public final class KubeJson {
    private static final ObjectMapper LENIENT = Manifests.json().copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private KubeJson() {}

    /** The lenient mapper (deterministic writer, tolerant reader). */
    public static ObjectMapper mapper() {
        return LENIENT;
    }

    public static <T> T convert(Object from, Class<T> to) {
        return LENIENT.convertValue(from, to);
    }

    public static JsonNode tree(Object from) {
        return LENIENT.valueToTree(from);
    }

    /** The api record of a fabric8 policy of either kind. */
    public static PolicyResource policy(HasMetadata r) {
        if (r instanceof VarmorClusterPolicyResource) {
            return convert(r, VarmorClusterPolicy.class);
        }
        return convert(r, VarmorPolicy.class);
    }

    public static ArmorProfile profile(ArmorProfileResource r) {
        return convert(r, ArmorProfile.class);
    }

    public static ArmorProfileResource profileResource(ArmorProfile p) {
        return convert(p, ArmorProfileResource.class);
    }

    /** SHA-256 of the canonical JSON of an ArmorProfile spec: what agents report against, so stale reports are ignored. */
    public static String specHash(Object spec) {
        try {
            byte[] json = LENIENT.writeValueAsString(canonical(LENIENT.valueToTree(spec))).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 32);
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same tree with object keys sorted at every level (null members dropped). */
    public static JsonNode canonical(JsonNode n) {
        if (n.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = LENIENT.createObjectNode();
            java.util.TreeMap<String, JsonNode> sorted = new java.util.TreeMap<>();
            n.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
            sorted.forEach((k, v) -> {
                if (!v.isNull()) {
                    o.set(k, canonical(v));
                }
            });
            return o;
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode a = LENIENT.createArrayNode();
            n.forEach(e -> a.add(canonical(e)));
            return a;
        }
        return n;
    }

    /** The ArmorProfile name a policy compiles to. */
    public static String profileName(PolicyResource p, CompileOptions o) {
        return PolicyValidator.profileName(p, o.varmorNamespace());
    }
}
