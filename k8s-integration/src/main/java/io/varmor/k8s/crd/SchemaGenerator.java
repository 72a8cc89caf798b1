package io.varmor.k8s.crd;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives an OpenAPI v3 structural schema from a {@code varmor-api} record type: one property per record component,
 * in declaration order, so the CRD accepts exactly the fields the Java model reads. Constraints the model cannot
 * express (enums, patterns, ranges, required fields) come from {@link SchemaRules}, addressed by field path
 * ({@code spec.policy.mode}, {@code spec.target.containers[]}, {@code ...labels{}}).
 */
public final class SchemaGenerator {
    private final SchemaRules rules;
    private final List<String> unusedRules;

    public SchemaGenerator(SchemaRules rules) {
        this.rules = rules;
        this.unusedRules = new ArrayList<>(rules.paths());
    }

    /** Schema of {@code type} found at {@code path}. */
    public Map<String, Object> schema(Type type, String path) {
        Map<String, Object> s = raw(type, path);
        rules.apply(path, s);
        unusedRules.remove(path);
        return s;
    }

    /** Rule paths that matched no field (a typo in {@link SchemaRules}, or a field the model dropped). */
    public List<String> unusedRules() {
        return List.copyOf(unusedRules);
    }

    private Map<String, Object> raw(Type type, String path) {
        Map<String, Object> s = new LinkedHashMap<>();
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                s.put("type", "array");
                s.put("items", schema(args[0], path + "[]"));
                return s;
            }
            if (Map.class.isAssignableFrom(raw)) {
                s.put("type", "object");
                if (args[1] == Object.class) {
                    s.put("x-kubernetes-preserve-unknown-fields", true);
                } else {
                    s.put("additionalProperties", schema(args[1], path + "{}"));
                }
                return s;
            }
            throw new IllegalArgumentException("unsupported generic type " + type + " at " + path);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            s.put("type", "string");
        } else if (c == Integer.class || c == int.class) {
            s.put("type", "integer");
            s.put("format", "int32");
        } else if (c == Long.class || c == long.class) {
            s.put("type", "integer");
            s.put("format", "int64");
        } else if (c == Boolean.class || c == boolean.class) {
            s.put("type", "boolean");
        } else if (c == Double.class || c == double.class) {
            s.put("type", "number");
        } else if (c == Object.class) {
            s.put("x-kubernetes-preserve-unknown-fields", true);
        } else if (c.isRecord()) {
            s.put("type", "object");
            Map<String, Object> props = new LinkedHashMap<>();
            for (RecordComponent rc : c.getRecordComponents()) {
                String child = path.isEmpty() ? rc.getName() : path + "." + rc.getName();
                props.put(rc.getName(), schema(rc.getGenericType(), child));
            }
            s.put("properties", props);
        } else {
            throw new IllegalArgumentException("unsupported type " + c.getName() + " at " + path);
        }
        return s;
    }
}
