package io.varmor.apparmor;

import java.util.regex.Pattern;

/**
 * Reads the AppArmor glob subset varmor writes ({@code *}, {@code **}, {@code ?}, {@code {a,b}}, {@code [^x/]},
 * backslash escapes, {@code @{var}}) as a Java regex, to tell which rule line an audit record's path matched and to
 * test what generated globs match. A variable matches one path component.
 */
final class AaGlob {
    private AaGlob() {}

    static boolean matches(String glob, String subject) {
        return compile(glob).matcher(subject).matches();
    }

    static Pattern compile(String glob) {
        String g = glob.length() >= 2 && glob.startsWith("\"") && glob.endsWith("\"") ? glob.substring(1, glob.length() - 1) : glob;
        return Pattern.compile(regex(g), Pattern.DOTALL);
    }

    static String regex(String g) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '\\' && i + 1 < g.length()) {
                re.append(Pattern.quote(String.valueOf(g.charAt(++i))));
            } else if (c == '@' && g.startsWith("@{", i) && g.indexOf('}', i) > 0) {
                re.append("[^/]+");
                i = g.indexOf('}', i);
            } else if (c == '*') {
                boolean dbl = i + 1 < g.length() && g.charAt(i + 1) == '*';
                re.append(dbl ? ".*" : "[^/]*");
                i += dbl ? 1 : 0;
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '{') {
                re.append("(?:");
            } else if (c == '}') {
                re.append(")");
            } else if (c == ',') {
                re.append("|");
            } else if (c == '[' && g.indexOf(']', i) > i) {
                int end = g.indexOf(']', i);
                re.append(g, i, end + 1);
                i = end;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }
}
