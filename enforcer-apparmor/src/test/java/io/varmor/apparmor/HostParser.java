package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real {@code apparmor_parser} for host tests ({@code -Q -K}: compile only, no kernel needed). Missing parser:
 * the test is skipped with a printed reason, or fails when {@code VARMOR_REQUIRE_KERNEL_TESTS=1} (CI).
 */
final class HostParser {
    static final List<String> DEVICES = List.of("sda", "sda1", "nvme0n1p1", "dm-0");
    private static final Path FEATURES = Path.of("/usr/share/apparmor-features/features");
    private final String parser;

    private HostParser(String parser) {
        this.parser = parser;
    }

    /** The parser (or {@code -Dvarmor.apparmor.parser=PATH}), or skip/fail the calling test. */
    static HostParser require() {
        String forced = System.getProperty("varmor.apparmor.parser");
        Optional<String> found = forced != null ? Optional.of(forced).filter(f -> Files.isExecutable(Path.of(f))) : Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "").split(":")),
                        Stream.of("/usr/sbin", "/sbin"))
                .map(d -> Path.of(d, "apparmor_parser")).filter(Files::isExecutable).map(Path::toString).findFirst();
        if (found.isEmpty()) {
            String reason = "apparmor_parser not found (install with scripts/apparmor-deps.sh)";
            if ("1".equals(System.getenv("VARMOR_REQUIRE_KERNEL_TESTS"))) {
                fail(reason + " and VARMOR_REQUIRE_KERNEL_TESTS=1");
            }
            System.out.println("SKIPPED host AppArmor parser test: " + reason);
            Assumptions.abort(reason);
        }
        return new HostParser(found.get());
    }

    /** Compiles each profile (disk devices defined as on a node); returns the failures by name with parser output. */
    Map<String, String> check(Map<String, String> profiles, Path dir) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, String> e : profiles.entrySet()) {
            Path f = dir.resolve("p" + (i++));
            Files.writeString(f, DiskDevices.define(e.getValue(), DEVICES));
            files.put(e.getKey(), f);
        }
        List<Path> all = new ArrayList<>(files.values());
        List<List<Path>> batches = new ArrayList<>();
        for (int from = 0; from < all.size(); from += 50) {
            batches.add(all.subList(from, Math.min(all.size(), from + 50)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<Boolean>> ok = new ArrayList<>();
            for (List<Path> batch : batches) {
                ok.add(pool.submit(() -> run(batch).ok()));
            }
            Map<String, String> failures = new LinkedHashMap<>();
            for (int b = 0; b < batches.size(); b++) {
                if (ok.get(b).get()) {
                    continue;
                }
                for (Map.Entry<String, Path> e : files.entrySet()) {
                    if (batches.get(b).contains(e.getValue())) {
                        ProcessRunner.Result r = run(List.of(e.getValue()));
                        if (!r.ok()) {
                            failures.put(e.getKey(), r.stderr().strip());
                        }
                    }
                }
            }
            return failures;
        } catch (InterruptedException | ExecutionException e) {
            throw new IOException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Parser stderr for one profile text, empty when it compiles. */
    String errors(String text, Path dir) throws IOException {
        Path f = Files.createTempFile(dir, "profile", "");
        Files.writeString(f, DiskDevices.define(text, DEVICES));
        ProcessRunner.Result r = run(List.of(f));
        return r.ok() ? "" : r.stderr().strip();
    }

    private ProcessRunner.Result run(List<Path> files) throws IOException {
        List<String> argv = new ArrayList<>(List.of(parser, "-Q", "-K"));
        if (Files.exists(FEATURES)) {
            argv.addAll(List.of("--kernel-features", FEATURES.toString()));
        }
        files.forEach(f -> argv.add(f.toString()));
        return ProcessRunner.system().run(argv, null, Duration.ofMinutes(5));
    }
}
