package io.varmor.k8s.operator;

import java.time.Duration;

/** vArmor's timings by cluster size (nodes not labelled {@code node.kubernetes.io/instance-type=virtual-node}). */
public record ClusterScale(int nodes) {
    /** Lease duration, renew deadline and retry period (spec §1.3). */
    public Duration[] leaseTimings() {
        if (nodes < 100) {
            return new Duration[] {Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)};
        }
        if (nodes < 1000) {
            return new Duration[] {Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(4)};
        }
        if (nodes < 5000) {
            return new Duration[] {Duration.ofSeconds(60), Duration.ofSeconds(50), Duration.ofSeconds(8)};
        }
        return new Duration[] {Duration.ofSeconds(90), Duration.ofSeconds(80), Duration.ofSeconds(8)};
    }

    /** How often status changes are flushed (spec §1.5). */
    public Duration statusFlushInterval() {
        int s = nodes < 100 ? 2 : nodes < 1000 ? 5 : nodes < 5000 ? 10 : nodes < 8000 ? 20 : 30;
        return Duration.ofSeconds(s);
    }
}
