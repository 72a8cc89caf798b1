package io.varmor.k8s.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagsTest {
    @Test
    void durationsInVarmorsAndIsoSpelling() {
        assertEquals(Duration.ofHours(2), Flags.duration("2h"));
        assertEquals(Duration.ofMinutes(90), Flags.duration("1h30m"));
        assertEquals(Duration.ofMillis(500), Flags.duration("500ms"));
        assertEquals(Duration.ofSeconds(30), Flags.duration("PT30S"));
        assertThrows(IllegalArgumentException.class, () -> Flags.duration("2 hours"));
    }

    @Test
    void eventRatesAndMetadata() {
        assertArrayEquals(new long[] {10, 10_000}, Flags.eventRate("10/10s"));
        assertEquals(Map.of("clusterID", "c-1", "n", "3"), Flags.metadata("{\"clusterID\":\"c-1\",\"n\":3}"));
        assertEquals(Map.of(), Flags.metadata(null));
    }
}
