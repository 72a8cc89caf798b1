package io.varmor.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short host commands (apt-cache, apt-get download, dpkg-deb) with a hard timeout. */
final class HostCommands {
    record Output(int exitCode, String text) {
    }

    private HostCommands() {
    }

    /** Runs {@code cmd} in {@code cwd}; stdout+stderr merged; killed (and reported as exit -1) on timeout. */
    static Output run(List<String> cmd, Path cwd, Duration timeout) throws IOException {
        Path log = Files.createTempFile("varmor-lab-cmd", ".log");
        try {
            Process p = new ProcessBuilder(cmd).directory(cwd == null ? null : cwd.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done = false;
            }
            if (!done) {
                p.destroyForcibly();
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return new Output(done ? p.exitValue() : -1, done ? text : text + "\n(timed out after " + timeout + ")");
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Whether {@code name} resolves to an executable (absolute path or on PATH). */
    static boolean onPath(String name) {
        if (name.contains("/")) {
            return Files.isExecutable(Path.of(name));
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}
