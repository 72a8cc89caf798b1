package io.varmor.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Finds {@code varmor-exec}: packaged in the jar, extracted once per content hash into a root-owned cache directory. */
final class Shim {
    private Shim() {}

    static Path locate() throws IOException {
        byte[] bytes;
        try (InputStream in = Shim.class.getResourceAsStream("/native/varmor-exec")) {
            if (in == null) {
                throw new IOException("varmor-exec is not packaged in this build");
            }
            bytes = in.readAllBytes();
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        Path exe = null;
        IOException last = null;
        for (String candidate : new String[] {System.getenv("VARMOR_CACHE"), "/var/cache/varmor", "/run/varmor/cache",
            System.getProperty("java.io.tmpdir") + "/varmor-" + System.getProperty("user.name")}) {
            if (candidate == null) {
                continue;
            }
            try {
                exe = extract(Path.of(candidate), hash, bytes);
                break;
            } catch (IOException e) {
                last = e; // read-only (e.g. inside the kernel lab): try the next place
            }
        }
        if (exe == null) {
            throw new IOException("cannot extract varmor-exec: " + (last == null ? "no cache directory" : last.getMessage()));
        }
        return exe;
    }

    private static Path extract(Path dir, String hash, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Path exe = dir.resolve("varmor-exec-" + hash);
        if (!Files.isExecutable(exe)) {
            Path tmp = Files.createTempFile(dir, "varmor-exec", ".tmp");
            Files.write(tmp, bytes);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(tmp, exe, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return exe;
    }
}
