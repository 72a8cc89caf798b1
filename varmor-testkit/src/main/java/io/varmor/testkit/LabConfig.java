package io.varmor.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Immutable settings of a {@link KernelLab} boot. Start from {@link #fromEnvironment()} and adjust with the
 * {@code with*} methods.
 *
 * @param cacheDir        where the extracted kernel and the initramfs are cached ({@code VARMOR_LAB_CACHE})
 * @param kernelPackage   Debian kernel package to use, or null to resolve it through {@code linux-image-amd64}
 *                        ({@code VARMOR_LAB_KERNEL_PACKAGE})
 * @param extraModules    kernel modules to load besides the virtio/9p base set (dependencies are added)
 * @param writableDirs    extra host directories shared read-write at the same path in the guest
 * @param bootTimeout     hard limit from qemu start to the guest command loop being ready
 *                        ({@code VARMOR_LAB_BOOT_TIMEOUT}, seconds)
 * @param shutdownTimeout how long {@link Lab#close()} waits for the power-off before killing qemu
 * @param memoryMb        guest memory
 * @param cpus            guest vCPUs (TCG threads)
 * @param qemuBinary      qemu executable name or path ({@code VARMOR_LAB_QEMU})
 * @param kernelArgs      extra kernel command-line arguments
 */
public record LabConfig(Path cacheDir, String kernelPackage, List<String> extraModules, List<Path> writableDirs,
                        Duration bootTimeout, Duration shutdownTimeout, int memoryMb, int cpus, String qemuBinary,
                        String kernelArgs) {

    /** Default boot timeout: TCG boots in ~10 s idle, but a loaded 2-core CI machine can be much slower. */
    public static final Duration DEFAULT_BOOT_TIMEOUT = Duration.ofSeconds(180);

    /** Validates and copies the lists. */
    public LabConfig {
        extraModules = List.copyOf(extraModules);
        writableDirs = writableDirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        for (Path p : writableDirs) {
            if (p.toString().matches(".*[\\s'\"\\\\:,].*")) {
                throw new IllegalArgumentException("writable dir path must not contain spaces, quotes, ':' or ',': " + p);
            }
        }
        if (memoryMb < 512 || cpus < 1) {
            throw new IllegalArgumentException("need memoryMb >= 512 and cpus >= 1");
        }
    }

    /** Defaults, overridden by the {@code VARMOR_LAB_*} environment variables. */
    public static LabConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static LabConfig fromEnvironment(Map<String, String> env) {
        String cache = env.get("VARMOR_LAB_CACHE");
        Path cacheDir = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "varmor-lab");
        String timeout = env.get("VARMOR_LAB_BOOT_TIMEOUT");
        Duration boot = timeout != null && !timeout.isBlank() ? Duration.ofSeconds(Long.parseLong(timeout.trim()))
                : DEFAULT_BOOT_TIMEOUT;
        String pkg = env.get("VARMOR_LAB_KERNEL_PACKAGE");
        String qemu = env.getOrDefault("VARMOR_LAB_QEMU", "");
        return new LabConfig(cacheDir.toAbsolutePath(), pkg == null || pkg.isBlank() ? null : pkg.trim(), List.of(),
                List.of(), boot, Duration.ofSeconds(30), 2048, 2, qemu.isBlank() ? "qemu-system-x86_64" : qemu, "");
    }

    /** @return a copy with another cache directory */
    public LabConfig withCacheDir(Path dir) {
        return new LabConfig(dir.toAbsolutePath(), kernelPackage, extraModules, writableDirs, bootTimeout,
                shutdownTimeout, memoryMb, cpus, qemuBinary, kernelArgs);
    }

    /** @return a copy with another boot timeout */
    public LabConfig withBootTimeout(Duration timeout) {
        return new LabConfig(cacheDir, kernelPackage, extraModules, writableDirs, timeout, shutdownTimeout,
                memoryMb, cpus, qemuBinary, kernelArgs);
    }

    /** @return a copy that also shares {@code dir} read-write (same path in the guest) */
    public LabConfig withWritableDir(Path dir) {
        List<Path> dirs = new ArrayList<>(writableDirs);
        dirs.add(dir);
        return new LabConfig(cacheDir, kernelPackage, extraModules, dirs, bootTimeout, shutdownTimeout, memoryMb,
                cpus, qemuBinary, kernelArgs);
    }

    /** @return a copy that also loads the given kernel modules (e.g. {@code overlay}) */
    public LabConfig withModules(String... modules) {
        List<String> mods = new ArrayList<>(extraModules);
        mods.addAll(List.of(modules));
        return new LabConfig(cacheDir, kernelPackage, mods, writableDirs, bootTimeout, shutdownTimeout, memoryMb,
                cpus, qemuBinary, kernelArgs);
    }

    /** @return a copy with extra kernel command-line arguments */
    public LabConfig withKernelArgs(String args) {
        return new LabConfig(cacheDir, kernelPackage, extraModules, writableDirs, bootTimeout, shutdownTimeout,
                memoryMb, cpus, qemuBinary, args);
    }

    /** @return a copy with another guest size */
    public LabConfig withMachine(int memoryMb, int cpus) {
        return new LabConfig(cacheDir, kernelPackage, extraModules, writableDirs, bootTimeout, shutdownTimeout,
                memoryMb, cpus, qemuBinary, kernelArgs);
    }
}
