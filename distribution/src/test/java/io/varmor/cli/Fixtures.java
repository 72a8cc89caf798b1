package io.varmor.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the repository's example policies from the module directory. */
final class Fixtures {
    private Fixtures() {}

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("examples/policies"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("examples/policies not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    static List<Path> examplePolicies() throws IOException {
        try (Stream<Path> s = Files.list(root().resolve("examples/policies"))) {
            return s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /**
     * A lab shell script that runs {@code argv} in a private mount namespace with a writable overlay on /etc (the
     * host root is read-only in the guest), after {@code prelude} (shell commands; may be empty).
     */
    static String inPrivateEtc(String prelude, List<String> argv) {
        StringBuilder q = new StringBuilder();
        for (String a : argv) {
            q.append(" '").append(a.replace("'", "'\\''")).append("'");
        }
        return "set -e; mkdir -p /run/etc-up /run/etc-work; " + prelude
                + "exec unshare -m sh -c 'mount -t overlay overlay -o lowerdir=/etc,upperdir=/run/etc-up,workdir=/run/etc-work /etc "
                + "&& exec \"$@\"' sh" + q;
    }
}
