package io.varmor.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Boots the kernel lab: Debian's stock kernel (BPF LSM + AppArmor active) under {@code qemu -accel tcg}, with
 * the host root mounted read-only over 9p at {@code /}, a copy-on-write {@code /tmp} over the host's, a tmpfs {@code /run}, a writable 9p share
 * at its host path, and a command loop as PID 1. KVM is never used (it hangs on the CI kernel).
 */
public final class KernelLab {
    private static final int CONSOLE_TAIL_LINES = 40;

    private KernelLab() {
    }

    /**
     * Why the lab cannot run on this machine (cheap checks only, no download), or empty when it may.
     *
     * @param config the lab config (qemu binary name)
     */
    public static Optional<String> unavailableReason(LabConfig config) {
        String arch = System.getProperty("os.arch");
        if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
            return Optional.of("kernel lab needs an x86_64 host, this is " + arch);
        }
        if (!HostCommands.onPath(config.qemuBinary())) {
            return Optional.of(config.qemuBinary() + " not found: install qemu-system-x86 (scripts/lab-deps.sh)");
        }
        if (!StaticElf.isStatic(KernelCache.BUSYBOX)) {
            return Optional.of(KernelCache.BUSYBOX + " missing or not static: install busybox-static (scripts/lab-deps.sh)");
        }
        return Optional.empty();
    }

    /**
     * Prepares the cache if needed, boots the guest and waits (bounded by {@link LabConfig#bootTimeout()}) for
     * its command loop.
     *
     * @throws LabUnavailableException when prerequisites are missing (no qemu/busybox, no kernel package)
     * @throws LabException            when the boot fails; the message includes the guest console tail
     */
    public static Lab start(LabConfig config) {
        Optional<String> why = unavailableReason(config);
        if (why.isPresent()) {
            throw new LabUnavailableException(why.get());
        }
        KernelCache.Prepared prepared;
        Path share;
        try {
            prepared = new KernelCache(config).prepare();
            share = Files.createTempDirectory(Path.of("/tmp"), "varmor-lab-");
            Path lab = share.resolve(".lab");
            Files.createDirectories(lab);
            Files.write(lab.resolve("guest-loop.sh"), KernelCache.resource("guest-loop.sh"));
            Files.writeString(lab.resolve("config"), guestConfig(config));
        } catch (IOException e) {
            throw new LabException("kernel lab preparation failed: " + e, e);
        }
        List<String> cmd = qemuCommand(config, prepared, share);
        long start = System.nanoTime();
        Process qemu;
        try {
            qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(share.resolve("qemu.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            throw new LabUnavailableException("cannot start " + config.qemuBinary() + ": " + e, e);
        }
        Thread hook = new Thread(() -> kill(qemu), "varmor-lab-kill-qemu");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            awaitReady(qemu, share, config.bootTimeout(), prepared);
            return new Lab(qemu, share, config, hook, start);
        } catch (RuntimeException | IOException | Error e) {
            kill(qemu);
            Runtime.getRuntime().removeShutdownHook(hook);
            LabException le = e instanceof LabException l ? l
                    : new LabException("kernel lab boot failed: " + e + "\n" + diagnostics(share), e);
            try {
                KernelCache.deleteTree(share);
            } catch (IOException ignored) {
                // diagnostics are already in the message
            }
            throw le;
        }
    }

    private static String guestConfig(LabConfig config) {
        StringBuilder rw = new StringBuilder();
        for (int i = 0; i < config.writableDirs().size(); i++) {
            rw.append(i == 0 ? "" : " ").append("rw").append(i).append('=').append(config.writableDirs().get(i));
        }
        return "RW_SHARES='" + rw + "'\n";
    }

    static List<String> qemuCommand(LabConfig config, KernelCache.Prepared p, Path share) {
        List<String> cmd = new ArrayList<>(List.of(config.qemuBinary(), "-accel", "tcg", "-smp",
                String.valueOf(config.cpus()), "-m", config.memoryMb() + "M", "-nodefaults", "-no-reboot",
                "-display", "none", "-monitor", "none", "-serial", "file:" + share.resolve("console.log"),
                "-kernel", p.vmlinuz().toString(), "-initrd", p.initramfs().toString(),
                "-append", ("console=ttyS0 panic=-1 quiet mitigations=off VARMOR_SHARE=" + share + " "
                        + config.kernelArgs()).trim()));
        virtfs(cmd, Path.of("/"), "hostroot", true);
        virtfs(cmd, share, "share", false);
        for (int i = 0; i < config.writableDirs().size(); i++) {
            virtfs(cmd, config.writableDirs().get(i), "rw" + i, false);
        }
        return cmd;
    }

    private static void virtfs(List<String> cmd, Path path, String tag, boolean readonly) {
        cmd.add("-virtfs");
        cmd.add("local,path=" + path.toString().replace(",", ",,") + ",mount_tag=" + tag
                + ",security_model=passthrough,multidevs=remap" + (readonly ? ",readonly=on" : ""));
    }

    private static void awaitReady(Process qemu, Path share, Duration timeout, KernelCache.Prepared p)
            throws IOException {
        Path ready = share.resolve(".lab").resolve("ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(ready)) {
            if (!qemu.isAlive()) {
                throw new LabException("kernel lab boot failed: qemu exited with " + qemu.exitValue() + " before the"
                        + " guest was ready (kernel " + p.kernelPackage() + ")\n" + diagnostics(share));
            }
            if (System.nanoTime() > deadline) {
                throw new LabException("kernel lab boot failed: guest not ready after " + timeout.toSeconds() + " s"
                        + " (kernel " + p.kernelPackage() + "; raise VARMOR_LAB_BOOT_TIMEOUT if the machine is very"
                        + " loaded)\n" + diagnostics(share));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while booting the kernel lab");
            }
        }
    }

    /** qemu log plus the last lines of the guest console. */
    static String diagnostics(Path share) {
        return "--- qemu output ---\n" + tail(share.resolve("qemu.log"), 10)
                + "\n--- guest console (last " + CONSOLE_TAIL_LINES + " lines) ---\n"
                + tail(share.resolve("console.log"), CONSOLE_TAIL_LINES);
    }

    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file.getFileName() + ")";
            }
            String[] all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\r?\n");
            return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** Kills qemu (forcibly) and waits a bounded time for it. */
    static void kill(Process qemu) {
        if (!qemu.isAlive()) {
            return;
        }
        qemu.destroyForcibly();
        try {
            qemu.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Bytes used by the lab cache directory. */
    public static long cacheSize(LabConfig config) {
        return KernelCache.sizeOf(config.cacheDir());
    }

    /** Downloads/builds the cache without booting (for CI warm-up); returns a one-line summary. */
    public static String prepare(LabConfig config) {
        try {
            KernelCache.Prepared p = new KernelCache(config).prepare();
            return "kernel " + p.kernelPackage() + " (" + p.release() + "), initramfs " + p.initramfs()
                    + ", cache " + cacheSize(config) / 1024 + " KiB";
        } catch (IOException e) {
            throw new LabException("kernel lab preparation failed: " + e, e);
        }
    }
}
