package io.varmor.api.diag;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean …" for misspelt names, by edit distance. */
public final class Suggestions {
    private Suggestions() {}

    /** The closest candidate within a distance proportional to the input's length, if any. */
    public static Optional<String> closest(String input, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lowered = input.toLowerCase();
        for (String c : candidates) {
            int d = distance(lowered, c.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        int limit = Math.max(2, input.length() / 3);
        return bestDistance <= limit ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Appends {@code ; did you mean "x"?} when a close candidate exists. */
    public static String hint(String input, Collection<String> candidates) {
        return closest(input, candidates).map(s -> "; did you mean \"" + s + "\"?").orElse("");
    }

    static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 16) {
            return Math.abs(a.length() - b.length());
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
