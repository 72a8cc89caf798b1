package org.example.varmor.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Finds {@code varmor-exec}, the launcher that holds a command until it is confined: the {@code varmor.exec} system
 * property, the {@code VARMOR_EXEC} environment variable, or the copy packaged as {@code /native/varmor-exec} in the
 * {@code io.varmor:distribution} artefact on the class path (extracted into {@code dir}).
 */
public final class VarmorExecLocator {
    private VarmorExecLocator() {}

    public static Path locate(Path dir) throws IOException {
        for (String configured : new String[] {System.getProperty("varmor.exec"), System.getenv("VARMOR_EXEC")}) {
            if (configured != null && !configured.isEmpty()) {
                return Path.of(configured);
            }
        }
        try (InputStream in = VarmorExecLocator.class.getResourceAsStream("/native/varmor-exec")) {
            if (in == null) {
                throw new IOException("varmor-exec not found: set -Dvarmor.exec or VARMOR_EXEC, or put io.varmor:distribution on the class path");
            }
            Path exe = dir.resolve("varmor-exec");
            Files.write(exe, in.readAllBytes());
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
            return exe;
        }
    }
}
