package io.varmor.k8s.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.k8s.support.Await;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyQueueTest {
    @Test
    void aKeyIsNeverProcessedByTwoWorkersAtOnceAndEveryKeyIsProcessed() {
        Map<Integer, AtomicInteger> running = new ConcurrentHashMap<>();
        Map<Integer, AtomicInteger> done = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        try (KeyQueue<Integer> q = new KeyQueue<>("t", k -> {
            if (running.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.get(k).decrementAndGet();
            done.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
            return true;
        }, 0, 4)) {
            for (int round = 0; round < 20; round++) {
                for (int k = 0; k < 10; k++) {
                    q.add(k);
                }
            }
            Await.until("drained", Duration.ofSeconds(20), () -> q.depth() == 0 && done.size() == 10);
        }
        assertEquals(0, overlaps.get());
        assertTrue(done.values().stream().allMatch(n -> n.get() >= 1 && n.get() <= 20));
    }

    @Test
    void aFailingKeyIsRetriedWithBackoffThenGivenUp() {
        AtomicInteger calls = new AtomicInteger();
        try (KeyQueue<String> q = new KeyQueue<>("t", k -> calls.incrementAndGet() < 0, 2, 1)) {
            q.add("x");
            Await.until("3 attempts", Duration.ofSeconds(10), () -> calls.get() == 3);
        }
    }
}
