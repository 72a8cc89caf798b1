package io.varmor.seccomp.hostreal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.varmor.api.io.Manifests;
import io.varmor.seccomp.nativeaccess.LibSeccomp;
import io.varmor.testkit.KernelRequirement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jnr.ffi.LibraryLoader;

/**
 * Runs a command in a throw-away rootful runc container whose rootfs holds a static busybox and the probe, with an
 * OCI seccomp profile (or none) in {@code linux.seccomp}. Each run gets a fresh bundle and runc state directory under
 * {@code target/seccomp-runc/}, both removed afterwards.
 */
public final class Runc {
    /** runc's defaults plus what the controls need to succeed on their own merits (unshare -m, bpf()). */
    private static final List<String> CAPS = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_ADMIN", "CAP_BPF");
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private Runc() {}

    /** Skips (or fails under {@code VARMOR_REQUIRE_KERNEL_TESTS=1}) unless rootful runc and a static busybox are usable. */
    public static void require() {
        KernelRequirement.assumeOrFail(Proc.onPath("runc"), "runc is not installed: run scripts/seccomp-deps.sh");
        KernelRequirement.assumeOrFail(Files.isExecutable(BUSYBOX) && isStatic(BUSYBOX),
                "no static /bin/busybox (Debian busybox-static): run scripts/seccomp-deps.sh");
        KernelRequirement.assumeOrFail("root".equals(System.getProperty("user.name")), "rootful runc needs root");
    }

    /** The libseccomp version runc was built with ({@code runc --version}), e.g. {@code 2.5.4}; "" when unknown. */
    public static String libseccompVersion() {
        Matcher m = Pattern.compile("libseccomp: (\\S+)").matcher(Proc.run(List.of("runc", "--version"), null, Duration.ofSeconds(20)).stdout());
        return m.find() ? m.group(1) : "";
    }

    /**
     * Whether runc's libseccomp can name {@code fchmodat2} (Linux 6.6). Debian's runc links the system
     * {@code libseccomp.so.2} dynamically, so this asks that library; upstream 2.5.4 cannot, Debian 12's
     * 2.5.4-1+deb12u1 can (its syscall table was updated). runc silently skips names it cannot resolve.
     */
    public static boolean knowsFchmodat2() {
        LibSeccomp lib = LibraryLoader.create(LibSeccomp.class).load("seccomp");
        return lib.seccomp_syscall_resolve_name("fchmodat2") >= 0;
    }

    /**
     * Runs {@code shellScript} with busybox {@code sh -c} in a container; {@code seccompJson} goes into
     * {@code linux.seccomp} as an object (null: no seccomp at all). The probe is at {@code /probe}.
     */
    public static Proc.Output run(Path probe, String seccompJson, String shellScript) {
        String id = "varmor-sc-" + UUID.randomUUID().toString().substring(0, 8);
        Path work = NativeBuild.moduleDir().resolve("target/seccomp-runc/" + id);
        Path state = work.resolve("state");
        Path bundle = work.resolve("bundle");
        try {
            Path rootfs = bundle.resolve("rootfs");
            Files.createDirectories(rootfs.resolve("bin"));
            Files.createDirectories(rootfs.resolve("tmp"));
            Files.createDirectories(state);
            Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
            Files.copy(probe, rootfs.resolve("probe"), StandardCopyOption.COPY_ATTRIBUTES);
            Proc.Output spec = Proc.run(List.of("runc", "spec", "--bundle", bundle.toString()), null, Duration.ofSeconds(30));
            if (spec.exitCode() != 0) {
                throw new AssertionError("runc spec failed\n" + spec.all());
            }
            Path config = bundle.resolve("config.json");
            Files.writeString(config, patch(Files.readString(config), seccompJson, shellScript));
            try {
                return Proc.run(List.of("runc", "--root", state.toString(), "run", "--bundle", bundle.toString(), id), null,
                        Duration.ofSeconds(60));
            } finally {
                Proc.run(List.of("runc", "--root", state.toString(), "delete", "--force", id), null, Duration.ofSeconds(30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(work);
        }
    }

    static String patch(String configJson, String seccompJson, String shellScript) throws IOException {
        ObjectNode cfg = (ObjectNode) Manifests.json().readTree(configJson);
        ObjectNode process = (ObjectNode) cfg.get("process");
        process.put("terminal", false);
        ArrayNode args = process.putArray("args");
        args.add("/bin/sh").add("-c").add(shellScript);
        ObjectNode caps = (ObjectNode) process.get("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode a = caps.putArray(set);
            CAPS.forEach(a::add);
        }
        ((ObjectNode) cfg.get("root")).put("readonly", false);
        ObjectNode linux = (ObjectNode) cfg.get("linux");
        linux.remove("seccomp");
        if (seccompJson != null) {
            JsonNode profile = Manifests.json().readTree(seccompJson);
            linux.set("seccomp", profile);
        }
        return Manifests.json().writerWithDefaultPrettyPrinter().writeValueAsString(cfg);
    }

    /** A dynamically linked ELF names its interpreter ({@code /lib64/ld-linux-x86-64.so.2}); a static one does not. */
    private static boolean isStatic(Path elf) {
        try {
            return !new String(Files.readAllBytes(elf), java.nio.charset.StandardCharsets.ISO_8859_1).contains("/ld-linux");
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: target/ is cleaned by mvn clean
        }
    }
}
