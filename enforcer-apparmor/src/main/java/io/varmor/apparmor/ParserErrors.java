package io.varmor.apparmor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code apparmor_parser} error output into messages that name the policy field at fault, using the line
 * origins of a {@link RenderedProfile}: {@code "... at line 57: syntax error ..."} on a line that came from
 * {@code appArmorRawRules[1]} becomes {@code spec.policy.enhanceProtect.appArmorRawRules[1].rules line 2: ...}.
 */
public final class ParserErrors {
    private static final Pattern AT_LINE = Pattern.compile("at line (\\d+)");

    private ParserErrors() {}

    /** One parser complaint, located. */
    public record Located(int profileLine, Optional<RenderedProfile.LineOrigin> origin, String parserMessage) {
        /** {@code <field>: <parser message>} when the line came from the policy, else the parser message. */
        public String describe() {
            return origin.map(o -> o.describe() + ": " + parserMessage).orElse(parserMessage);
        }
    }

    /** Every line of {@code stderr} that names a profile line, located in {@code profile}. */
    public static List<Located> locate(String stderr, RenderedProfile profile) {
        List<Located> out = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            Matcher m = AT_LINE.matcher(line);
            if (m.find()) {
                int n = Integer.parseInt(m.group(1));
                String msg = line.substring(m.end()).replaceFirst("^:\\s*", "").trim();
                out.add(new Located(n, profile.originOf(n), msg.isEmpty() ? line.trim() : msg));
            }
        }
        return out;
    }

    /** A one-paragraph explanation of a failed parse, for errors and events. */
    public static String explain(String stderr, RenderedProfile profile) {
        List<Located> located = locate(stderr, profile);
        if (located.isEmpty()) {
            return stderr.strip();
        }
        return String.join("; ", located.stream().map(Located::describe).toList());
    }
}
