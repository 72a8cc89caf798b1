package io.varmor.testkit;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command to run inside the lab guest: an argv or a {@code sh -c} string, plus working directory (a path as
 * seen by both host and guest), extra environment, timeout and optional live output sinks. Immutable.
 */
public final class GuestCommand {
    private final List<String> argv;
    private final String shell;
    private final Path cwd;
    private final Map<String, String> env;
    private final Duration timeout;
    private final OutputStream stdoutSink;
    private final OutputStream stderrSink;

    private GuestCommand(List<String> argv, String shell, Path cwd, Map<String, String> env, Duration timeout,
                         OutputStream stdoutSink, OutputStream stderrSink) {
        this.argv = argv;
        this.shell = shell;
        this.cwd = cwd;
        this.env = env;
        this.timeout = timeout;
        this.stdoutSink = stdoutSink;
        this.stderrSink = stderrSink;
    }

    /** Runs {@code argv} directly (exec, no shell interpretation); cwd {@code /}, timeout 60 s. */
    public static GuestCommand argv(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty argv");
        }
        return new GuestCommand(List.copyOf(argv), null, Path.of("/"), Map.of(), Duration.ofSeconds(60), null, null);
    }

    /** Runs {@code /bin/sh -c cmd}; cwd {@code /}, timeout 60 s. */
    public static GuestCommand shell(String cmd) {
        return new GuestCommand(null, cmd, Path.of("/"), Map.of(), Duration.ofSeconds(60), null, null);
    }

    /** @return a copy running in {@code dir} (must exist in the guest: host paths are mounted read-only) */
    public GuestCommand cwd(Path dir) {
        return new GuestCommand(argv, shell, dir.toAbsolutePath(), env, timeout, stdoutSink, stderrSink);
    }

    /** @return a copy with {@code name=value} added to the environment */
    public GuestCommand env(String name, String value) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("bad variable name: " + name);
        }
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put(name, value);
        return new GuestCommand(argv, shell, cwd, Map.copyOf(e), timeout, stdoutSink, stderrSink);
    }

    /** @return a copy with another timeout (after it the command's process group is killed) */
    public GuestCommand timeout(Duration t) {
        return new GuestCommand(argv, shell, cwd, env, t, stdoutSink, stderrSink);
    }

    /** @return a copy that also copies output to the sinks while it runs (e.g. System.out/err) */
    public GuestCommand streamTo(OutputStream out, OutputStream err) {
        return new GuestCommand(argv, shell, cwd, env, timeout, out, err);
    }

    /** The timeout. */
    public Duration timeout() {
        return timeout;
    }

    OutputStream stdoutSink() {
        return stdoutSink;
    }

    OutputStream stderrSink() {
        return stderrSink;
    }

    /** The request script the guest loop executes with {@code sh}; it first records its pid (= its session id). */
    String script(Path pidFile) {
        StringBuilder s = new StringBuilder();
        s.append("echo $$ > ").append(quote(pidFile.toString())).append('\n');
        s.append("cd ").append(quote(cwd.toString())).append(" || exit 125\n");
        env.forEach((k, v) -> s.append("export ").append(quote(k + "=" + v)).append('\n'));
        s.append("exec");
        if (argv != null) {
            argv.forEach(a -> s.append(' ').append(quote(a)));
        } else {
            s.append(" /bin/sh -c ").append(quote(shell));
        }
        return s.append('\n').toString();
    }

    /** POSIX single-quoting. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Override
    public String toString() {
        return (argv != null ? String.join(" ", argv) : "sh -c " + shell) + " (in " + cwd + ")";
    }
}
