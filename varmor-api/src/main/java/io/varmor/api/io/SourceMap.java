package io.varmor.api.io;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of a parsed document came from, keyed by dotted field path ({@code spec.policy.mode},
 * {@code spec.target.containers[1]}). Lookups of a path that has no entry fall back to its nearest parent, so an
 * error about a missing field points at the object that lacks it.
 */
public final class SourceMap {
    /** A 1-based line and column. */
    public record Position(int line, int column) {
        public static final Position UNKNOWN = new Position(0, 0);
    }

    private final Map<String, Position> positions = new HashMap<>();

    void put(String path, int line, int column) {
        positions.putIfAbsent(path, new Position(line, column));
    }

    /** The position of {@code path} or of its closest recorded ancestor. */
    public Position locate(String path) {
        String p = path == null ? "" : path;
        while (true) {
            Position pos = positions.get(p);
            if (pos != null) {
                return pos;
            }
            if (p.isEmpty()) {
                return Position.UNKNOWN;
            }
            p = parent(p);
        }
    }

    static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut <= 0 ? "" : path.substring(0, cut);
    }

    /** Joins a parent path and a field name. */
    public static String child(String parent, String field) {
        return parent.isEmpty() ? field : parent + "." + field;
    }

    /** Joins a parent path and an array index. */
    public static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }
}
