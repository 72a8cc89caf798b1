package io.varmor.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * CLI: boots the kernel lab, runs a command inside it in the current directory with live output, powers off
 * and exits with the command's exit code (125 on usage error, 124 on timeout, 126 when the lab is unavailable,
 * 127 when it failed to boot).
 *
 * <pre>
 * LabMain [--timeout S] [--boot-timeout S] [--rw DIR]... [--memory MB] [--prepare] -- CMD [ARG]...
 * </pre>
 * {@code --prepare} only downloads the kernel and builds the initramfs (CI cache warm-up).
 */
public final class LabMain {
    private LabMain() {
    }

    /** @param args see class doc */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the lab CLI and returns its exit code (used by {@code varmor lab}). */
    public static int run(String[] args) {
        LabConfig config = LabConfig.fromEnvironment();
        Duration timeout = Duration.ofMinutes(10);
        boolean prepareOnly = false;
        List<String> cmd = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--boot-timeout" -> config = config.withBootTimeout(Duration.ofSeconds(Long.parseLong(args[++i])));
                    case "--rw" -> config = config.withWritableDir(Path.of(args[++i]));
                    case "--memory" -> config = config.withMachine(Integer.parseInt(args[++i]), config.cpus());
                    case "--prepare" -> prepareOnly = true;
                    case "--" -> {
                        cmd.addAll(List.of(args).subList(i + 1, args.length));
                        i = args.length;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (cmd.isEmpty() && !prepareOnly) {
                throw new IllegalArgumentException("no command after --");
            }
        } catch (RuntimeException e) {
            System.err.println("varmor lab: " + e.getMessage());
            System.err.println("usage: [--timeout S] [--boot-timeout S] [--rw DIR]... [--memory MB] [--prepare] -- CMD...");
            return 125;
        }
        try {
            if (prepareOnly) {
                System.err.println("varmor lab: " + KernelLab.prepare(config));
                return 0;
            }
            try (Lab lab = KernelLab.start(config)) {
                System.err.printf("varmor lab: booted %s in %.1f s (lsm: %s)%n", lab.kernelRelease(),
                        lab.bootDuration().toMillis() / 1000.0, lab.lsm());
                GuestCommand c = GuestCommand.argv(cmd).cwd(Path.of("").toAbsolutePath()).timeout(timeout)
                        .streamTo(System.out, System.err);
                // inside the guest the checkout is read-only: ./varmor must use what was built, never build
                c = c.env("VARMOR_NO_BUILD", "1");
                for (String var : List.of("JAVA_HOME", "LANG", "LC_ALL", "TERM")) {
                    String v = System.getenv(var);
                    if (v != null) {
                        c = c.env(var, v);
                    }
                }
                Result r = lab.run(c);
                if (r.timedOut()) {
                    System.err.println("varmor lab: command timed out after " + timeout.toSeconds() + " s");
                    return 124;
                }
                return r.exitCode();
            }
        } catch (LabUnavailableException e) {
            System.err.println("varmor lab: unavailable: " + e.getMessage());
            return 126;
        } catch (LabException e) {
            System.err.println("varmor lab: " + e.getMessage());
            return 127;
        }
    }
}
