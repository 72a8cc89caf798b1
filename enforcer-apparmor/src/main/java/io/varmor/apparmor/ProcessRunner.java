package io.varmor.apparmor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs an external program (here: {@code apparmor_parser}); replaceable in tests. */
@FunctionalInterface
public interface ProcessRunner {

    /** Exit code and captured output of one run. */
    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code argv}, feeding {@code stdin} (may be null), killing it after {@code timeout}. */
    Result run(List<String> argv, String stdin, Duration timeout) throws IOException;

    /** The real thing, with {@link ProcessBuilder}. */
    static ProcessRunner system() {
        return (argv, stdin, timeout) -> {
            Process p = new ProcessBuilder(argv).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill(p);
                    throw new IOException(argv.get(0) + " did not finish within " + timeout.toSeconds() + " s");
                }
                return new Result(p.exitValue(), out.join(), err.join());
            } catch (InterruptedException e) {
                kill(p);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + argv.get(0), e);
            }
        };
    }

    /** Kills the process and its descendants (apparmor_parser forks compile workers). */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
