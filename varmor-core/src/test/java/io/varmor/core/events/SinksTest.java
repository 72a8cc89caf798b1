package io.varmor.core.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.event.ViolationEvent;
import io.varmor.core.spi.EventSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinksTest {
    static ViolationEvent event(String rule) {
        return new ViolationEvent("warn", Map.of("varmorNamespace", "local"), null, null, null, null, null, null, null, 1L, 2L, 3L,
                "Seccomp", "DENIED", "varmor-local-p", "VarmorPolicy", "p", "local", rule, Map.of("syscall", "splice"), null,
                "violation event");
    }

    @Test
    void theViolationLogRotatesKeepingThreeBackups(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("violations.log");
        try (JsonLinesSink sink = new JsonLinesSink(log, 2_000, 3)) {
            for (int i = 0; i < 100; i++) {
                sink.accept(event("rule-" + i));
            }
        }
        assertTrue(Files.size(log) <= 2_000);
        for (int i = 1; i <= 3; i++) {
            assertTrue(Files.exists(dir.resolve("violations.log." + i)), "backup " + i);
        }
        assertTrue(!Files.exists(dir.resolve("violations.log.4")));
        String last = Files.readAllLines(log).get(Files.readAllLines(log).size() - 1);
        assertTrue(last.contains("\"ruleId\":\"rule-99\"") && last.contains("\"varmorNamespace\":\"local\""), last);
    }

    @Test
    void aSlowSinkDoesNotBlockProducersAndLossesAreCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        EventSink slow = e -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        };
        EventPipeline p = new EventPipeline(10, List.of(slow));
        long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            p.accept(event("r"));
        }
        assertTrue((System.nanoTime() - t0) < 2_000_000_000L, "producers never wait for sinks");
        assertTrue(p.dropped() >= 989 - 1, "dropped " + p.dropped());
        release.countDown();
        p.close();
    }

    @Test
    void metricsCountByEnforcerActionAndRule() {
        MetricsSink m = new MetricsSink();
        m.accept(event("dirty-pipe-mitigation"));
        m.accept(event("dirty-pipe-mitigation"));
        m.addDropped(3);
        String text = m.render();
        assertTrue(text.contains("varmor_violations_total{enforcer=\"Seccomp\",action=\"DENIED\",profile=\"varmor-local-p\","
                + "rule=\"dirty-pipe-mitigation\"} 2"), text);
        assertTrue(text.contains("varmor_events_dropped_total 3"), text);
        assertEquals(2, text.lines().filter(l -> l.startsWith("# TYPE")).count());
    }
}
