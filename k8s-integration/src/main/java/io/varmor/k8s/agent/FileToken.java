package io.varmor.k8s.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The projected ServiceAccount token (audience {@code varmor-manager}), re-read every 5 minutes and after a 401. */
public final class FileToken implements StatusReporter.TokenSource {
    private final Path file;
    private String token;
    private long readAt;

    public FileToken(Path file) {
        this.file = file;
    }

    @Override
    public synchronized String get() {
        long now = System.currentTimeMillis();
        if (token == null || now - readAt > 300_000) {
            try {
                token = Files.readString(file).trim();
                readAt = now;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the agent token " + file, e);
            }
        }
        return token;
    }

    @Override
    public synchronized void invalidate() {
        token = null;
    }
}
