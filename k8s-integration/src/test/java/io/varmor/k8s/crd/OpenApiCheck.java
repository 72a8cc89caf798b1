package io.varmor.k8s.crd;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The structural-schema checks the API server applies to custom resources (the subset varmor's CRDs use). */
final class OpenApiCheck {
    private OpenApiCheck() {}

    static List<String> check(JsonNode value, JsonNode schema) {
        List<String> errors = new ArrayList<>();
        check(value, schema, "", errors);
        return errors;
    }

    private static void check(JsonNode v, JsonNode s, String path, List<String> out) {
        if (s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            return;
        }
        String type = s.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!v.isObject()) {
                    out.add(path + ": expected object");
                    return;
                }
                if (path.equals(".metadata")) {
                    return;
                }
                JsonNode props = s.path("properties");
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (props.has(e.getKey())) {
                        check(e.getValue(), props.get(e.getKey()), path + "." + e.getKey(), out);
                    } else if (s.has("additionalProperties")) {
                        check(e.getValue(), s.get("additionalProperties"), path + "." + e.getKey(), out);
                    } else {
                        out.add(path + "." + e.getKey() + ": unknown field");
                    }
                }
                s.path("required").forEach(r -> {
                    if (!v.has(r.asText())) {
                        out.add(path + "." + r.asText() + ": required");
                    }
                });
            }
            case "array" -> {
                if (!v.isArray()) {
                    out.add(path + ": expected array");
                    return;
                }
                for (int i = 0; i < v.size(); i++) {
                    check(v.get(i), s.path("items"), path + "[" + i + "]", out);
                }
            }
            case "string" -> {
                if (!v.isTextual()) {
                    out.add(path + ": expected string");
                    return;
                }
                if (s.has("enum")) {
                    boolean ok = false;
                    for (JsonNode e : s.get("enum")) {
                        ok |= e.asText().equals(v.asText());
                    }
                    if (!ok) {
                        out.add(path + ": \"" + v.asText() + "\" not in " + s.get("enum"));
                    }
                }
                if (s.has("pattern") && !java.util.regex.Pattern.compile(s.get("pattern").asText()).matcher(v.asText()).find()) {
                    out.add(path + ": \"" + v.asText() + "\" does not match " + s.get("pattern").asText());
                }
                if (s.has("maxLength") && v.asText().length() > s.get("maxLength").asInt()) {
                    out.add(path + ": longer than " + s.get("maxLength").asInt());
                }
            }
            case "integer" -> {
                if (!v.isIntegralNumber()) {
                    out.add(path + ": expected integer");
                    return;
                }
                if (s.has("minimum") && v.asLong() < s.get("minimum").asLong()) {
                    out.add(path + ": below " + s.get("minimum"));
                }
                if (s.has("maximum") && v.asLong() > s.get("maximum").asLong()) {
                    out.add(path + ": above " + s.get("maximum"));
                }
            }
            case "boolean" -> {
                if (!v.isBoolean()) {
                    out.add(path + ": expected boolean");
                }
            }
            default -> out.add(path + ": schema without a type");
        }
    }
}
