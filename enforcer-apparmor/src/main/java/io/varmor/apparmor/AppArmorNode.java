package io.varmor.apparmor;

import io.varmor.core.spi.Availability;
import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.NodeCapabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The node side of the AppArmor enforcer: loads, replaces and removes profiles with {@code apparmor_parser}
 * ({@code -Ka}/{@code -KaC} when new, {@code -Kr}/{@code -KrC} when loaded, {@code -R} to remove), reads the loaded
 * set from {@code /sys/kernel/security/apparmor/profiles}, and reports honestly whether AppArmor is usable.
 *
 * <p>It only ever touches profiles whose name starts with {@code varmor-}, and refuses profile text that declares any
 * other profile (checked with {@code apparmor_parser -N} before loading).
 */
public final class AppArmorNode {
    /** Prefix of every profile this node may touch. */
    public static final String PREFIX = "varmor-";
    private static final Pattern NAME = Pattern.compile("varmor-[a-z0-9][a-z0-9.-]{0,92}");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * Where things are on the node.
     *
     * @param moduleEnabled {@code /sys/module/apparmor/parameters/enabled}
     * @param securityfs {@code /sys/kernel/security/apparmor}
     * @param profileDir where profile files are written (vArmor: host {@code /var/run/varmor/apparmor.d})
     * @param partitions {@code /proc/partitions}
     * @param parser the parser executable
     */
    public record Paths(Path moduleEnabled, Path securityfs, Path profileDir, Path partitions, String parser) {
        public static final Paths DEFAULT = new Paths(Path.of("/sys/module/apparmor/parameters/enabled"),
                Path.of("/sys/kernel/security/apparmor"), Path.of("/var/run/varmor/apparmor.d"),
                Path.of("/proc/partitions"), "apparmor_parser");
    }

    private final Paths paths;
    private final ProcessRunner runner;

    public AppArmorNode(Paths paths, ProcessRunner runner) {
        this.paths = paths;
        this.runner = runner;
    }

    public static AppArmorNode system() {
        return new AppArmorNode(Paths.DEFAULT, ProcessRunner.system());
    }

    /** Whether AppArmor can enforce on this node, with the first reason it cannot. */
    public Availability availability(NodeCapabilities node) {
        Path enabled = paths.moduleEnabled();
        if (!Files.exists(enabled)) {
            return Availability.unavailable("AppArmor: not enabled in the kernel (" + enabled + " missing)");
        }
        String value = readQuietly(enabled).trim();
        if (!value.equals("Y")) {
            return Availability.unavailable("AppArmor: disabled in the kernel (" + enabled + " = " + value
                    + "; boot with apparmor=1 and AppArmor in lsm=)");
        }
        if (node != null && !node.activeLsms().isEmpty() && !node.lsmActive("apparmor")) {
            return Availability.unavailable("AppArmor: not an active LSM (/sys/kernel/security/lsm: "
                    + String.join(",", node.activeLsms()) + ")");
        }
        if (node != null && tooOld(node.kernelRelease())) {
            return Availability.unavailable("AppArmor: kernel " + node.kernelRelease() + " is older than 4.15");
        }
        if (!Files.isReadable(paths.securityfs().resolve("profiles"))) {
            return Availability.unavailable("AppArmor: " + paths.securityfs().resolve("profiles")
                    + " not readable (securityfs not mounted?)");
        }
        Optional<String> version = parserVersion();
        if (version.isEmpty()) {
            return Availability.unavailable("AppArmor: " + paths.parser() + " not found or not runnable"
                    + " (install the apparmor package)");
        }
        return Availability.available("AppArmor: enabled, " + version.get());
    }

    /** Loaded varmor profiles (including child profiles, e.g. {@code varmor-a-b//child_0}) → mode. */
    public Map<String, String> loaded() throws EnforcementException {
        Path file = paths.securityfs().resolve("profiles");
        Map<String, String> out = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int paren = line.lastIndexOf(" (");
                String name = paren < 0 ? line.trim() : line.substring(0, paren);
                String mode = paren < 0 ? "" : line.substring(paren + 2, line.length() - (line.endsWith(")") ? 1 : 0));
                if (name.startsWith(PREFIX)) {
                    out.put(name, mode);
                }
            }
        } catch (IOException e) {
            throw new EnforcementException("AppArmor: cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    public boolean isLoaded(String name) throws EnforcementException {
        return loaded().containsKey(name);
    }

    /**
     * Loads {@code text} as profile {@code name} (replacing it when loaded), in complain mode when asked. The
     * disk-device placeholder is defined from this node's {@code /proc/partitions} first.
     */
    public void load(String name, String text, boolean complain) throws EnforcementException {
        load(name, RenderedProfile.fromText(text), complain);
    }

    /** As {@link #load(String, String, boolean)}, with line origins to explain parser errors. */
    public void load(String name, RenderedProfile profile, boolean complain) throws EnforcementException {
        requireManaged(name);
        String text = profile.text();
        Path file = write(name, text);
        checkDeclaredNames(name, file, profile);
        String flags = (isLoaded(name) ? "-Kr" : "-Ka") + (complain ? "C" : "");
        ProcessRunner.Result r = run(List.of(paths.parser(), flags, file.toString()));
        if (!r.ok()) {
            throw new EnforcementException("AppArmor: loading " + name + " failed: "
                    + ParserErrors.explain(r.stderr(), profile));
        }
    }

    /** Removes profile {@code name} and its child profiles; nothing happens when it is not loaded. */
    public void remove(String name) throws EnforcementException {
        requireManaged(name);
        Path file = paths.profileDir().resolve(name);
        if (isLoaded(name)) {
            try {
                if (!Files.exists(file)) {
                    Files.createDirectories(paths.profileDir());
                    Files.writeString(file, "profile " + name + " {\n}\n");
                }
            } catch (IOException e) {
                throw new EnforcementException("AppArmor: cannot write " + file + ": " + e.getMessage(), e);
            }
            ProcessRunner.Result r = run(List.of(paths.parser(), "-R", file.toString()));
            if (!r.ok()) {
                throw new EnforcementException("AppArmor: removing " + name + " failed: " + r.stderr().strip());
            }
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new EnforcementException("AppArmor: cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    private void checkDeclaredNames(String name, Path file, RenderedProfile profile) throws EnforcementException {
        ProcessRunner.Result r = run(List.of(paths.parser(), "-N", "-K", file.toString()));
        if (!r.ok()) {
            throw new EnforcementException("AppArmor: profile " + name + " does not parse: "
                    + ParserErrors.explain(r.stderr(), profile));
        }
        List<String> foreign = new ArrayList<>();
        for (String declared : r.stdout().split("\n")) {
            String d = declared.trim();
            if (!d.isEmpty() && !d.equals(name) && !d.startsWith(name + "//")) {
                foreign.add(d);
            }
        }
        if (!foreign.isEmpty()) {
            throw new EnforcementException("AppArmor: the text for " + name + " also declares " + foreign
                    + "; a varmor profile may only declare itself and its children");
        }
    }

    private Path write(String name, String text) throws EnforcementException {
        Path file = paths.profileDir().resolve(name);
        try {
            Files.createDirectories(paths.profileDir());
            String defined = DiskDevices.define(text, DiskDevices.read(paths.partitions()));
            Path tmp = paths.profileDir().resolve("." + name + ".tmp");
            Files.writeString(tmp, defined);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new EnforcementException("AppArmor: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private ProcessRunner.Result run(List<String> argv) throws EnforcementException {
        try {
            return runner.run(argv, null, TIMEOUT);
        } catch (IOException e) {
            throw new EnforcementException("AppArmor: cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
    }

    private Optional<String> parserVersion() {
        try {
            ProcessRunner.Result r = runner.run(List.of(paths.parser(), "--version"), null, Duration.ofSeconds(10));
            String first = r.stdout().lines().findFirst().orElse("").trim();
            return r.ok() ? Optional.of(first.isEmpty() ? paths.parser() : first) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Refuses names that are not varmor's (or that could escape the profile directory). */
    static void requireManaged(String name) throws EnforcementException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new EnforcementException("AppArmor: refusing to touch profile \"" + name
                    + "\": only profiles named varmor-<lower-case name> are managed by varmor");
        }
    }

    private static boolean tooOld(String release) {
        if (release == null) {
            return false;
        }
        var m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major < 4 || (major == 4 && minor < 15);
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
