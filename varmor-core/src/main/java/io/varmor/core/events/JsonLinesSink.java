package io.varmor.core.events;

import io.varmor.api.event.ViolationEvent;
import io.varmor.api.io.Manifests;
import io.varmor.core.spi.EventSink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes events as JSON lines to a file rotated like vArmor's violations.log (default 10 MB, 3 backups). */
public final class JsonLinesSink implements EventSink, AutoCloseable {
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_BACKUPS = 3;

    private final Path file;
    private final long maxBytes;
    private final int backups;
    private OutputStream out;
    private long size;

    public JsonLinesSink(Path file, long maxBytes, int backups) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.backups = backups;
    }

    @Override
    public synchronized void accept(ViolationEvent event) {
        byte[] line = (Manifests.toJson(event) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (out == null) {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                size = Files.size(file);
            }
            if (size + line.length > maxBytes && size > 0) {
                rotate();
            }
            out.write(line);
            out.flush();
            size += line.length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void rotate() throws IOException {
        out.close();
        for (int i = backups; i >= 1; i--) {
            Path from = i == 1 ? file : backup(i - 1);
            if (Files.exists(from)) {
                if (i == backups) {
                    Files.deleteIfExists(backup(i));
                }
                Files.move(from, backup(i), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        size = 0;
    }

    private Path backup(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
