package io.varmor.core.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A path pattern in the IR, written in AppArmor's glob subset: {@code *} matches within one path component,
 * {@code **} across components, everything else is literal. Patterns are matched against kernel-resolved absolute
 * paths. {@link #shape()} classifies the pattern so table-driven enforcers (BPF) can decide by hash lookups instead of
 * scanning.
 */
public record PathPattern(String glob) {
    private static final Pattern DOUBLE_STAR = Pattern.compile("\\*\\*");
    /** Longest pattern accepted (PATH_MAX). */
    public static final int MAX_LENGTH = 4095;

    /** How a pattern decomposes into exact/prefix/suffix/component parts. */
    public enum Shape {
        /** No wildcard: the whole path must be equal. */
        EXACT,
        /** {@code P**}: starts with P. */
        PREFIX,
        /** {@code **S}: ends with S. */
        SUFFIX,
        /** {@code P**S}: starts with P and ends with S (and is at least as long as both). */
        PREFIX_SUFFIX,
        /**
         * {@code P**}{@code /C1/}{@code **}{@code /C2/}{@code **S}: starts with P, ends with S, and has whole components
         * C1, C2 … in between (e.g. {@code /**}{@code /.ssh/**}). Table-driven enforcers check the components' presence,
         * not their order.
         */
        CHAIN,
        /** Only {@code *}: the basename matches {@code P*S} (vArmor's {@code *} syntax, no {@code /}). */
        BASENAME,
        /** Anything else: needs a general glob matcher. */
        GENERAL
    }

    public PathPattern {
        if (glob == null || glob.isEmpty()) {
            throw new IllegalArgumentException("empty pattern");
        }
        if (glob.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("pattern longer than " + MAX_LENGTH + " characters");
        }
        if (glob.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("pattern contains NUL");
        }
    }

    public static PathPattern of(String glob) {
        return new PathPattern(glob);
    }

    public Shape shape() {
        int stars = count("**");
        boolean single = glob.replace("**", "").contains("*");
        if (stars == 0 && !single) {
            return Shape.EXACT;
        }
        if (stars == 0 && glob.indexOf('/') < 0 && glob.indexOf('*') == glob.lastIndexOf('*')) {
            return Shape.BASENAME;
        }
        if (single) {
            return Shape.GENERAL;
        }
        if (stars == 1) {
            int i = glob.indexOf("**");
            boolean hasPrefix = i > 0 && !glob.substring(0, i).equals("/");
            boolean hasSuffix = i + 2 < glob.length();
            if (hasPrefix && hasSuffix) {
                return Shape.PREFIX_SUFFIX;
            }
            return hasPrefix ? Shape.PREFIX : hasSuffix ? Shape.SUFFIX : Shape.PREFIX;
        }
        String[] parts = DOUBLE_STAR.split(glob, -1);
        for (int i = 1; i < parts.length - 1; i++) {
            String mid = parts[i];
            if (mid.length() < 3 || !mid.startsWith("/") || !mid.endsWith("/") || mid.substring(1, mid.length() - 1).contains("/")) {
                return Shape.GENERAL;
            }
        }
        return Shape.CHAIN;
    }

    /** The literal text before the first wildcard. */
    public String prefix() {
        int i = glob.indexOf('*');
        return i < 0 ? glob : glob.substring(0, i);
    }

    /** The literal text after the last wildcard. */
    public String suffix() {
        int i = glob.lastIndexOf('*');
        return i < 0 ? glob : glob.substring(i + 1);
    }

    /** For {@link Shape#CHAIN}: the whole components required between prefix and suffix. */
    public List<String> components() {
        String[] parts = DOUBLE_STAR.split(glob, -1);
        List<String> out = new ArrayList<>();
        for (int i = 1; i < parts.length - 1; i++) {
            out.add(parts[i].substring(1, parts[i].length() - 1));
        }
        return out;
    }

    private int count(String s) {
        int n = 0;
        for (int i = glob.indexOf(s); i >= 0; i = glob.indexOf(s, i + s.length())) {
            n++;
        }
        return n;
    }

    /** Reference matcher with AppArmor glob semantics, used by simulation and differential tests. */
    public boolean matches(String path) {
        return regex().matcher(path).matches();
    }

    private Pattern regex() {
        StringBuilder re = new StringBuilder();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^/]*");
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        parts.add(re.toString());
        return Pattern.compile(parts.get(0), Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return glob;
    }
}
