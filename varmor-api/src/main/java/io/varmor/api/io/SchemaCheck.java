package io.varmor.api.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.varmor.api.diag.Diagnostic;
import io.varmor.api.diag.ErrorId;
import io.varmor.api.diag.Suggestions;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a parsed tree against the record model before binding, so that every unknown field, type mismatch and
 * hostile string in a document is reported at once, each with its path and position (Jackson stops at the first).
 */
final class SchemaCheck {
    /** Longest string accepted in any field (custom profiles are the largest legitimate values). */
    static final int MAX_STRING = 1 << 20;

    private final SourceMap map;
    private final List<Diagnostic> out;

    SchemaCheck(SourceMap map, List<Diagnostic> out) {
        this.map = map;
        this.out = out;
    }

    void check(JsonNode node, Type type, String path) {
        if (node == null || node.isNull()) {
            return;
        }
        Class<?> raw = rawClass(type);
        if (raw.isRecord()) {
            checkRecord(node, raw, path);
        } else if (List.class.isAssignableFrom(raw)) {
            if (!node.isArray()) {
                error(ErrorId.WRONG_TYPE, path, "expected a list, found " + describe(node));
                return;
            }
            Type element = typeArg(type, 0);
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), element, SourceMap.index(path, i));
            }
        } else if (Map.class.isAssignableFrom(raw)) {
            if (!node.isObject()) {
                error(ErrorId.WRONG_TYPE, path, "expected a map, found " + describe(node));
                return;
            }
            Type value = typeArg(type, 1);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                check(e.getValue(), value, SourceMap.child(path, e.getKey()));
            }
        } else if (raw == String.class) {
            if (!node.isTextual()) {
                error(ErrorId.WRONG_TYPE, path, "expected a string, found " + describe(node));
            } else {
                checkText(node.textValue(), path);
            }
        } else if (raw == Integer.class) {
            if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                error(ErrorId.WRONG_TYPE, path, "expected an integer, found " + describe(node));
            }
        } else if (raw == Long.class) {
            if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                error(ErrorId.WRONG_TYPE, path, "expected an integer, found " + describe(node));
            }
        } else if (raw == Boolean.class) {
            if (!node.isBoolean()) {
                error(ErrorId.WRONG_TYPE, path, "expected true or false, found " + describe(node));
            }
        } else if (raw == Object.class) {
            checkAny(node, path);
        }
    }

    /** Record components and their names per record class (reflection is the hot spot of parsing otherwise). */
    private record Shape(RecordComponent[] components, List<String> names) {}

    private static final java.util.Map<Class<?>, Shape> SHAPES = new java.util.concurrent.ConcurrentHashMap<>();

    private static Shape shape(Class<?> raw) {
        return SHAPES.computeIfAbsent(raw, c -> {
            RecordComponent[] rc = c.getRecordComponents();
            return new Shape(rc, Arrays.stream(rc).map(RecordComponent::getName).toList());
        });
    }

    private void checkRecord(JsonNode node, Class<?> raw, String path) {
        if (!node.isObject()) {
            error(ErrorId.WRONG_TYPE, path, "expected an object, found " + describe(node));
            return;
        }
        Shape shape = shape(raw);
        RecordComponent[] components = shape.components();
        List<String> names = shape.names();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String childPath = SourceMap.child(path, e.getKey());
            int idx = names.indexOf(e.getKey());
            if (idx < 0) {
                error(ErrorId.UNKNOWN_FIELD, childPath, "unknown field \"" + e.getKey() + "\""
                        + (path.isEmpty() ? "" : " in " + path) + Suggestions.hint(e.getKey(), names));
                continue;
            }
            check(e.getValue(), components[idx].getGenericType(), childPath);
        }
    }

    private void checkAny(JsonNode node, String path) {
        if (node.isTextual()) {
            checkText(node.textValue(), path);
        } else if (node.isContainerNode()) {
            int i = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                checkAny(e.getValue(), SourceMap.child(path, e.getKey()));
            }
            for (JsonNode el : node.isArray() ? node : List.<JsonNode>of()) {
                checkAny(el, SourceMap.index(path, i++));
            }
        }
    }

    private void checkText(String s, String path) {
        if (s.length() > MAX_STRING) {
            error(ErrorId.HOSTILE_VALUE, path, "value is " + s.length() + " characters long (limit " + MAX_STRING + ")");
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f
                    || c == '\u0085' || c == '\u2028' || c == '\u2029';
            if (control) {
                error(ErrorId.HOSTILE_VALUE, path, String.format("control character U+%04X at offset %d", (int) c, i));
                return;
            }
        }
    }

    private void error(ErrorId id, String path, String message) {
        SourceMap.Position p = map.locate(path);
        out.add(new Diagnostic(id, path, p.line(), p.column(), message));
    }

    static String describe(JsonNode n) {
        if (n.isTextual()) {
            String t = n.textValue();
            return "string \"" + (t.length() > 40 ? t.substring(0, 40) + "…" : t) + "\"";
        }
        if (n.isNumber()) {
            return "number " + n.asText();
        }
        if (n.isBoolean()) {
            return "boolean " + n.asText();
        }
        return n.isArray() ? "a list" : n.isObject() ? "an object" : n.getNodeType().toString().toLowerCase();
    }

    private static Class<?> rawClass(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Type typeArg(Type t, int i) {
        return t instanceof ParameterizedType p ? p.getActualTypeArguments()[i] : Object.class;
    }

    static List<Diagnostic> run(JsonNode node, Class<?> type, SourceMap map) {
        List<Diagnostic> out = new ArrayList<>();
        new SchemaCheck(map, out).check(node, type, "");
        return out;
    }
}
