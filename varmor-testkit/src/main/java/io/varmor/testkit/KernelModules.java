package io.varmor.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Kernel modules of an extracted Debian kernel package: finds {@code *.ko} files and orders a requested set
 * with its dependencies first, reading {@code depends=} from each module's {@code .modinfo} (the package ships
 * no {@code modules.dep}: depmod runs only at install time, which the lab never does).
 */
final class KernelModules {
    private final Map<String, Path> files;
    private final Set<String> builtin;

    KernelModules(Map<String, Path> files, Set<String> builtin) {
        this.files = files;
        this.builtin = builtin;
    }

    /** Indexes {@code <root>/lib/modules/<release>/}. */
    static KernelModules scan(Path releaseDir) throws IOException {
        Map<String, Path> files = new HashMap<>();
        try (Stream<Path> s = Files.walk(releaseDir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".ko")).forEach(p -> files.put(name(p), p));
        }
        Set<String> builtin = new HashSet<>();
        Path b = releaseDir.resolve("modules.builtin");
        if (Files.exists(b)) {
            for (String line : Files.readAllLines(b)) {
                if (!line.isBlank()) {
                    builtin.add(name(Path.of(line.trim())));
                }
            }
        }
        return new KernelModules(files, builtin);
    }

    /** Module name of a file: basename without {@code .ko}, dashes normalised to underscores. */
    static String name(Path file) {
        String n = file.getFileName().toString();
        n = n.endsWith(".ko") ? n.substring(0, n.length() - 3) : n;
        return n.replace('-', '_');
    }

    /** Values of {@code depends=} in a module image ({@code .modinfo} strings are NUL-separated). */
    static List<String> dependsOf(byte[] ko) {
        byte[] key = "\0depends=".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + key.length <= ko.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (ko[i + j] != key[j]) {
                    continue outer;
                }
            }
            int start = i + key.length;
            int end = start;
            while (end < ko.length && ko[end] != 0) {
                end++;
            }
            String v = new String(ko, start, end - start, StandardCharsets.US_ASCII).trim();
            List<String> deps = new ArrayList<>();
            for (String d : v.split(",")) {
                if (!d.isBlank()) {
                    deps.add(d.trim().replace('-', '_'));
                }
            }
            return deps;
        }
        return List.of();
    }

    /**
     * Load order (dependencies first) of the files needed for {@code wanted}; built-in modules are skipped.
     *
     * @throws IllegalArgumentException when a module is neither a file nor built in
     */
    List<Path> loadOrder(List<String> wanted) {
        LinkedHashSet<String> order = new LinkedHashSet<>();
        for (String w : wanted) {
            visit(w.replace('-', '_'), order, new HashSet<>());
        }
        return order.stream().map(files::get).toList();
    }

    private void visit(String mod, LinkedHashSet<String> order, Set<String> path) {
        if (order.contains(mod) || builtin.contains(mod)) {
            return;
        }
        Path f = files.get(mod);
        if (f == null) {
            throw new IllegalArgumentException("kernel module '" + mod + "' is neither built in nor shipped");
        }
        if (!path.add(mod)) {
            return; // dependency cycle: cannot happen for real modules, do not loop
        }
        try {
            for (String dep : dependsOf(Files.readAllBytes(f))) {
                visit(dep, order, path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        order.add(mod);
    }
}
