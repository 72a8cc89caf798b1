package io.varmor.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The lab's on-disk cache: Debian's stock kernel (downloaded with {@code apt-get download}, extracted with
 * {@code dpkg-deb -x}, never installed) pruned to {@code vmlinuz} plus the needed modules, and the initramfs
 * (static busybox + modules + stage-1 init). Safe against concurrent JVMs (file lock).
 */
final class KernelCache {
    /**
     * Modules loaded at boot: virtio PCI transport and 9p to reach the host root, overlay so tests can make
     * read-only host directories writable in a private mount namespace (dependencies are resolved).
     */
    static final List<String> BASE_MODULES = List.of("virtio_pci", "9pnet_virtio", "9p", "overlay");
    static final String META_PACKAGE = "linux-image-amd64";
    static final Path BUSYBOX = Path.of("/bin/busybox");

    /** What a boot needs. */
    record Prepared(String kernelPackage, String release, Path vmlinuz, Path initramfs) {
    }

    private final LabConfig config;

    KernelCache(LabConfig config) {
        this.config = config;
    }

    /** Resolves, downloads and builds what is missing; returns the cached files. */
    Prepared prepare() throws IOException {
        if (!StaticElf.isStatic(BUSYBOX)) {
            throw new LabUnavailableException(BUSYBOX + " is missing or not statically linked: install busybox-static"
                    + " (scripts/lab-deps.sh)");
        }
        Files.createDirectories(config.cacheDir());
        try (FileChannel ch = FileChannel.open(config.cacheDir().resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lock(ch)) {
            removeStaleWorkDirs();
            String pkg = resolvePackage();
            Path kdir = config.cacheDir().resolve("kernels").resolve(pkg);
            List<String> wanted = new ArrayList<>(BASE_MODULES);
            wanted.addAll(config.extraModules());
            if (!hasModules(kdir, wanted)) {
                fetch(pkg, kdir, wanted);
            }
            String release = Files.readString(kdir.resolve("release")).trim();
            KernelModules mods = KernelModules.scan(kdir.resolve("lib/modules").resolve(release));
            List<Path> order = mods.loadOrder(wanted);
            Path initramfs = initramfs(kdir, order);
            return new Prepared(pkg, release, kdir.resolve("vmlinuz"), initramfs);
        }
    }

    /** Leftovers of a JVM killed mid-fetch (an extracted kernel is ~400 MB); safe: we hold the lock. */
    private void removeStaleWorkDirs() throws IOException {
        try (Stream<Path> s = Files.list(config.cacheDir())) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches("\\.(fetch|kernel)-.*")).toList()) {
                deleteTree(p);
            }
        }
    }

    private static FileLock lock(FileChannel ch) throws IOException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (true) {
            FileLock l = ch.tryLock();
            if (l != null) {
                return l;
            }
            if (System.nanoTime() > deadline) {
                throw new LabException("kernel lab cache is locked by another process for 10 min");
            }
            sleep(200);
        }
    }

    /** {@code apt-cache depends linux-image-amd64}; falls back to the newest cached kernel when apt cannot answer. */
    private String resolvePackage() throws IOException {
        if (config.kernelPackage() != null) {
            return config.kernelPackage();
        }
        String why;
        if (HostCommands.onPath("apt-cache")) {
            HostCommands.Output o = HostCommands.run(List.of("apt-cache", "depends", META_PACKAGE), null,
                    Duration.ofSeconds(60));
            for (String line : o.text().split("\n")) {
                String l = line.trim();
                if (l.startsWith("Depends: linux-image-") && o.exitCode() == 0) {
                    return l.substring("Depends: ".length()).trim();
                }
            }
            why = "apt-cache depends " + META_PACKAGE + " gave no kernel (exit " + o.exitCode() + "): "
                    + o.text().strip() + " (apt-get update needed?)";
        } else {
            why = "apt-cache not found (not a Debian host)";
        }
        Path kernels = config.cacheDir().resolve("kernels");
        if (Files.isDirectory(kernels)) {
            try (Stream<Path> s = Files.list(kernels)) {
                var cached = s.filter(p -> Files.exists(p.resolve("release")))
                        .max(Comparator.comparing(p -> p.toFile().lastModified()));
                if (cached.isPresent()) {
                    System.err.println("varmor-lab: " + why + "; using cached " + cached.get().getFileName());
                    return cached.get().getFileName().toString();
                }
            }
        }
        throw new LabUnavailableException("no kernel package reachable: " + why);
    }

    private static boolean hasModules(Path kdir, List<String> wanted) {
        if (!Files.exists(kdir.resolve("release")) || !Files.exists(kdir.resolve("vmlinuz"))) {
            return false;
        }
        try {
            String release = Files.readString(kdir.resolve("release")).trim();
            KernelModules.scan(kdir.resolve("lib/modules").resolve(release)).loadOrder(wanted);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Downloads and extracts {@code pkg}, keeping vmlinuz, modules.builtin and the wanted modules' closure. */
    private void fetch(String pkg, Path kdir, List<String> wanted) throws IOException {
        Path work = Files.createTempDirectory(config.cacheDir(), ".fetch-");
        try {
            HostCommands.Output dl = HostCommands.run(List.of("apt-get", "download", pkg), work, Duration.ofMinutes(5));
            Path deb;
            try (Stream<Path> s = Files.list(work)) {
                deb = s.filter(p -> p.toString().endsWith(".deb")).findFirst().orElse(null);
            }
            if (dl.exitCode() != 0 || deb == null) {
                throw new LabUnavailableException("no kernel package reachable: apt-get download " + pkg + " failed: "
                        + dl.text().strip());
            }
            Path x = work.resolve("x");
            HostCommands.Output ex = HostCommands.run(List.of("dpkg-deb", "-x", deb.toString(), x.toString()), work,
                    Duration.ofMinutes(5));
            if (ex.exitCode() != 0) {
                throw new LabException("dpkg-deb -x " + deb.getFileName() + " failed: " + ex.text().strip());
            }
            Path modRoot = x.resolve("lib/modules");
            String release;
            try (Stream<Path> s = Files.list(modRoot)) {
                release = s.findFirst().orElseThrow().getFileName().toString();
            }
            Path tmp = Files.createTempDirectory(config.cacheDir(), ".kernel-");
            Path relDir = tmp.resolve("lib/modules").resolve(release);
            Files.createDirectories(relDir);
            Files.copy(x.resolve("boot/vmlinuz-" + release), tmp.resolve("vmlinuz"));
            Path builtin = modRoot.resolve(release).resolve("modules.builtin");
            if (Files.exists(builtin)) {
                Files.copy(builtin, relDir.resolve("modules.builtin"));
            }
            for (Path ko : KernelModules.scan(modRoot.resolve(release)).loadOrder(wanted)) {
                Path dst = relDir.resolve(modRoot.resolve(release).relativize(ko).toString());
                Files.createDirectories(dst.getParent());
                Files.copy(ko, dst);
            }
            Files.writeString(tmp.resolve("release"), release + "\n");
            deleteTree(kdir);
            Files.createDirectories(kdir.getParent());
            Files.move(tmp, kdir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(work);
        }
    }

    /** Builds (or reuses) the initramfs keyed by a hash of everything that goes into it. */
    private Path initramfs(Path kdir, List<Path> modules) throws IOException {
        byte[] init = resource("initramfs-init.sh");
        StringBuilder key = new StringBuilder(new String(init, StandardCharsets.UTF_8));
        key.append(Files.size(BUSYBOX)).append(Files.getLastModifiedTime(BUSYBOX));
        modules.forEach(m -> key.append('|').append(m.getFileName()));
        String hash = sha256(key.toString()).substring(0, 16);
        Path out = kdir.resolve("initramfs-" + hash + ".cpio.gz");
        if (Files.exists(out)) {
            return out;
        }
        Path tmp = Files.createTempFile(kdir, ".initramfs-", ".tmp");
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            Cpio c = new Cpio(os);
            for (String d : List.of("bin", "dev", "proc", "sys", "newroot", "mods", "tmp")) {
                c.dir(d);
            }
            c.charDevice("dev/console", 0600, 5, 1);
            c.file("bin/busybox", 0755, Files.readAllBytes(BUSYBOX));
            c.file("init", 0755, init);
            StringBuilder order = new StringBuilder();
            for (Path m : modules) {
                String name = KernelModules.name(m);
                c.file("mods/" + name + ".ko", 0644, Files.readAllBytes(m));
                order.append(name).append('\n');
            }
            c.file("modules.order", 0644, order.toString().getBytes(StandardCharsets.UTF_8));
            c.finish();
        }
        try (Stream<Path> s = Files.list(kdir)) {
            for (Path old : s.filter(p -> p.getFileName().toString().startsWith("initramfs-")).toList()) {
                Files.deleteIfExists(old);
            }
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = KernelCache.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    static long sizeOf(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted"));
        }
    }
}
