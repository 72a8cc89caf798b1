package io.varmor.k8s.operator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.varmor.k8s.model.KubeJson;

/**
 * The status write: a JSON Patch that sets the whole {@code status} (RFC 6902 {@code add} replaces an existing member).
 * Not a merge patch: lists such as {@code conditions} must be replaced, not merged, and some API-server
 * implementations (fabric8's mock among them) merge arrays in merge patches.
 */
final class StatusPatch {
    private StatusPatch() {}

    static String replaceStatus(Object status) {
        ArrayNode ops = KubeJson.mapper().createArrayNode();
        ops.addObject().put("op", "add").put("path", "/status").set("value", KubeJson.tree(status));
        return ops.toString();
    }
}
