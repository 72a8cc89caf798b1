package io.varmor.apparmor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds profile text line by line, remembering the origin of each line. */
final class ProfileLines {
    /** One line: its indentation level, text and (possibly null) origin. */
    record Line(int indent, String text, RenderedProfile.LineOrigin origin) {
        static Line of(int indent, String text) {
            return new Line(indent, text, null);
        }

        Line indented(int more) {
            return new Line(indent + more, text, origin);
        }
    }

    private final List<Line> lines = new ArrayList<>();

    ProfileLines add(int indent, String text) {
        lines.add(Line.of(indent, text));
        return this;
    }

    ProfileLines add(int indent, String text, String origin, int rawLine) {
        lines.add(new Line(indent, text, origin == null ? null : new RenderedProfile.LineOrigin(origin, rawLine)));
        return this;
    }

    ProfileLines addAll(List<Line> more) {
        lines.addAll(more);
        return this;
    }

    List<Line> lines() {
        return lines;
    }

    boolean contains(String fragment) {
        return lines.stream().anyMatch(l -> l.text().contains(fragment));
    }

    RenderedProfile build() {
        StringBuilder b = new StringBuilder();
        Map<Integer, RenderedProfile.LineOrigin> origins = new LinkedHashMap<>();
        int n = 0;
        for (Line l : lines) {
            n++;
            if (!l.text().isEmpty()) {
                b.append("  ".repeat(l.indent()));
            }
            b.append(l.text()).append('\n');
            if (l.origin() != null) {
                origins.put(n, l.origin());
            }
        }
        return RenderedProfile.ofLines(b.toString(), origins);
    }
}
