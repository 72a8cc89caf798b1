package io.varmor.seccomp.hostreal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host command with a hard timeout and collects its output. */
public final class Proc {
    /** Exit code (-1 on timeout), stdout and stderr of one run. */
    public record Output(int exitCode, String stdout, String stderr) {
        /** stdout and stderr, for assertion messages. */
        public String all() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private Proc() {}

    /** Runs {@code cmd} in {@code cwd} (null: inherit) with stdin from /dev/null; kills it after {@code timeout}. */
    public static Output run(List<String> cmd, Path cwd, Duration timeout) {
        try {
            Path out = Files.createTempFile("varmor-proc", ".out");
            Path err = Files.createTempFile("varmor-proc", ".err");
            try {
                Process p = new ProcessBuilder(cmd).directory(cwd == null ? null : cwd.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!done) {
                    p.destroyForcibly().waitFor();
                }
                return new Output(done ? p.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8) + (done ? "" : "\n(timed out after " + timeout + ")"));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + cmd, e);
        }
    }

    /** Whether {@code name} is an executable on PATH (or an executable absolute path). */
    public static boolean onPath(String name) {
        if (name.contains("/")) {
            return Files.isExecutable(Path.of(name));
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}
