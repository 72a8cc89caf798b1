package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTailerTest {
    @TempDir
    Path dir;

    @Test
    void followsNewLinesFromTheEndAndSurvivesRotation() throws Exception {
        Path log = dir.resolve("audit.log");
        Files.writeString(log, "old line\n");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (AuditLogTailer t = new AuditLogTailer(List.of(dir.resolve("missing.log"), log), seen::add, Duration.ofMillis(20))) {
            Thread.sleep(150);
            Files.writeString(log, "first\nsecond part", StandardOpenOption.APPEND);
            await(seen, 1);
            Files.writeString(log, " done\n", StandardOpenOption.APPEND);
            await(seen, 2);
            Files.delete(log);
            Files.writeString(log, "after rotation\n");
            await(seen, 3);
        }
        assertEquals(List.of("first", "second part done", "after rotation"), seen);
    }

    private static void await(List<String> seen, int n) throws InterruptedException {
        for (int i = 0; i < 200 && seen.size() < n; i++) {
            Thread.sleep(20);
        }
    }
}
