package io.varmor.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Generalises observed paths so that a model does not overfit to names that change from run to run: vArmor's
 * {@code trimPath} rules (spec §8) plus, in place of vArmor's Python classifier, detection of random components
 * (UUIDs, long hex or base64-like tokens, numeric ids, pod-template hashes, temp-file suffixes). Deterministic.
 */
public final class PathGeneralizer {
    private static final Pattern UUID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern HEX = Pattern.compile("(?i)[0-9a-f]{16,}");
    private static final Pattern NUMERIC = Pattern.compile("\\d+");
    private static final Pattern POD_HASH = Pattern.compile("(.+)-[0-9a-f]{8,10}-[0-9a-z]{5}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_+=-]{12,}");
    private static final List<String> LIBRARY_DIRS = List.of("/lib/x86_64-linux-gnu/", "/usr/lib/x86_64-linux-gnu/",
            "/usr/lib/aarch64-linux-gnu/");

    private PathGeneralizer() {}

    /** The generalised form of {@code path}; {@code readOnly} allows collapsing library directories. */
    public static String generalize(String path, boolean readOnly) {
        if (path == null || path.isEmpty() || !path.startsWith("/")) {
            return path;
        }
        if (readOnly) {
            for (String lib : LIBRARY_DIRS) {
                if (path.startsWith(lib)) {
                    return lib + "**";
                }
            }
        }
        if (path.startsWith("/tmp/")) {
            return "/tmp/**";
        }
        for (String sa : List.of("/run/secrets/kubernetes.io/serviceaccount/", "/var/run/secrets/kubernetes.io/serviceaccount/")) {
            if (path.startsWith(sa)) {
                return sa + "**";
            }
        }
        String[] parts = path.substring(1).split("/", -1);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String c = parts[i];
            boolean proc = i == 1 && parts[0].equals("proc");
            if (proc && (NUMERIC.matcher(c).matches() || c.equals("self") || c.equals("thread-self"))) {
                out.add("*");
            } else if (i > 0 && parts[i - 1].equals("map_files")) {
                out.add("*");
            } else {
                out.add(component(c));
            }
        }
        return "/" + String.join("/", out);
    }

    /** A component with its random part replaced by {@code *}, or unchanged. */
    static String component(String c) {
        if (c.isEmpty() || c.equals("*")) {
            return c;
        }
        if (UUID.matcher(c).matches() || HEX.matcher(c).matches() || (NUMERIC.matcher(c).matches() && c.length() >= 3)) {
            return "*";
        }
        var pod = POD_HASH.matcher(c);
        if (pod.matches()) {
            return pod.group(1) + "-*";
        }
        if (TOKEN.matcher(c).matches() && looksRandom(c)) {
            return "*";
        }
        // name.RANDOM / name-RANDOM / name_RANDOM (mktemp, generated suffixes); name.ext with a random stem
        for (int i = c.length() - 1; i > 0; i--) {
            char sep = c.charAt(i);
            if (sep == '.' || sep == '-' || sep == '_') {
                String head = c.substring(0, i);
                String tail = c.substring(i + 1);
                if (tail.length() >= 6 && looksRandom(tail)) {
                    return head + sep + "*";
                }
                if (sep == '.' && !head.isEmpty()) {
                    String g = component(head);
                    if (!g.equals(head)) {
                        return g + c.substring(i);
                    }
                }
                break;
            }
        }
        return c;
    }

    /**
     * Alphanumeric only, at least two of digits/upper/lower, and frequent class changes (one per three characters):
     * what generated names look like ({@code QAAIvRbKqf}, {@code x2x4z9}); words, CamelCase and {@code python3} do not.
     */
    static boolean looksRandom(String s) {
        int digits = 0;
        int upper = 0;
        int lower = 0;
        int transitions = 0;
        int prev = -1;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            int cls = Character.isDigit(ch) ? 0 : Character.isUpperCase(ch) ? 1 : Character.isLowerCase(ch) ? 2 : 3;
            if (cls == 0) {
                digits++;
            } else if (cls == 1) {
                upper++;
            } else if (cls == 2) {
                lower++;
            }
            if (prev >= 0 && prev != cls) {
                transitions++;
            }
            prev = cls;
        }
        int classes = (digits > 0 ? 1 : 0) + (upper > 0 ? 1 : 0) + (lower > 0 ? 1 : 0);
        boolean alnum = digits + upper + lower == s.length();
        return alnum && s.length() >= 6 && classes >= 2 && transitions * 3 >= s.length();
    }
}
