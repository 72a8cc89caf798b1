package io.varmor.core.events;

import io.varmor.api.event.ViolationEvent;
import io.varmor.core.spi.EventSink;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts violations by enforcer, action, profile and rule and renders them in the Prometheus text exposition format
 * (for a scrape endpoint or node_exporter's textfile collector).
 */
public final class MetricsSink implements EventSink {
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    @Override
    public void accept(ViolationEvent e) {
        String key = "enforcer=\"" + esc(e.enforcer()) + "\",action=\"" + esc(e.action()) + "\",profile=\""
                + esc(e.profileName()) + "\",rule=\"" + esc(e.ruleId()) + "\"";
        counters.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    /** Records events lost before reaching the sinks (queue overflow, kernel-reported losses). */
    public void addDropped(long n) {
        dropped.addAndGet(n);
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP varmor_violations_total Violation events by enforcer, action, profile and deciding rule.\n");
        sb.append("# TYPE varmor_violations_total counter\n");
        new TreeMap<>(counters).forEach((k, v) -> sb.append("varmor_violations_total{").append(k).append("} ").append(v.get()).append('\n'));
        sb.append("# HELP varmor_events_dropped_total Events lost before delivery.\n");
        sb.append("# TYPE varmor_events_dropped_total counter\n");
        sb.append("varmor_events_dropped_total ").append(dropped.get()).append('\n');
        return sb.toString();
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
