package io.varmor.testkit;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@code java} command line that runs a main class of the current (host) classpath inside the lab
 * guest: same JDK path, same {@code java.class.path}, both visible there because the host root is mounted at
 * {@code /}. JVM flags favour start-up under TCG emulation (C1 only, serial GC).
 */
public final class GuestJava {
    /** JVM options used by {@link #argv(Class, String...)}. */
    public static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xmx512m", "-Djava.io.tmpdir=/tmp");

    private GuestJava() {
    }

    /**
     * @param mainClass class with a {@code main} on the current classpath
     * @param args      program arguments
     * @throws IllegalStateException when a classpath entry lives under {@code /run} (a fresh tmpfs in the guest, so
     *                               not visible there; the host's {@code /tmp} is visible through a copy-on-write overlay)
     */
    public static List<String> argv(Class<?> mainClass, String... args) {
        String cp = System.getProperty("java.class.path");
        for (String entry : cp.split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            if (p.startsWith("/run")) {
                throw new IllegalStateException("classpath entry " + p + " is under a guest tmpfs and invisible in"
                        + " the kernel lab");
            }
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_OPTIONS);
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }
}
