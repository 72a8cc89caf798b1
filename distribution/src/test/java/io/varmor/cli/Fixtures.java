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
}
