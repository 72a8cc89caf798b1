package io.varmor.k8s.operator;

import io.varmor.k8s.status.NodeReport;
import io.varmor.k8s.status.ProfileReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Aggregates agents' per-node reports into each ArmorProfile's load state (spec §1.5), on the leader. Reports for a
 * spec other than the current one are kept aside and count once the controller tracks that spec (agents may be
 * faster than the controller's bookkeeping). Changes are published in batches by {@link #flush()}; nothing is
 * published during the warm-up after gaining leadership, until every expected agent sent a snapshot or the warm-up
 * ends, so status never regresses on fail-over. Thread-safe.
 */
public final class StatusAggregator {
    /** Receives aggregated state for profiles that changed. */
    public interface Publisher {
        void publish(ProfileRef profile, PolicyKey owner, LoadResult result);
    }

    /** Receives every accepted per-node result (for metrics). */
    public interface Observer {
        void processed(String node, boolean ok, boolean changed);
    }

    private static final class Tracked {
        PolicyKey owner;
        String hash;
        boolean modeling;
        boolean modelComplete;
        boolean dirty = true;
    }

    private final Map<ProfileRef, Tracked> tracked = new HashMap<>();
    /** profile → node → latest report (any spec hash). */
    private final Map<ProfileRef, Map<String, ProfileReport>> reports = new HashMap<>();
    private final Map<String, Long> lastSnapshot = new HashMap<>();
    private final IntSupplier desired;
    private final LongSupplier clock;
    private final Publisher publisher;
    private final Observer observer;
    private final long agentTimeoutMillis;
    private long warmupUntil;
    private int lastDesired = -1;

    public StatusAggregator(IntSupplier desired, Publisher publisher, Observer observer, long agentTimeoutMillis, LongSupplier clock) {
        this.desired = desired;
        this.publisher = publisher;
        this.observer = observer;
        this.agentTimeoutMillis = agentTimeoutMillis;
        this.clock = clock;
    }

    /** Hold publication for {@code millis} or until all expected agents have sent a snapshot. */
    public synchronized void warmUp(long millis) {
        warmupUntil = clock.getAsLong() + millis;
    }

    /** The controller created or updated a profile: results for other specs stop counting. */
    public synchronized void track(ProfileRef ref, PolicyKey owner, String specHash, boolean modeling) {
        Tracked t = tracked.computeIfAbsent(ref, r -> new Tracked());
        boolean changed = !specHash.equals(t.hash) || !owner.equals(t.owner) || modeling != t.modeling;
        t.owner = owner;
        t.hash = specHash;
        t.modeling = modeling;
        if (changed) {
            t.modelComplete = false;
        }
        t.dirty |= changed;
    }

    /** The behaviour model of a modelling profile is complete (policy phase {@code Completed}). */
    public synchronized void modelCompleted(ProfileRef ref) {
        Tracked t = tracked.get(ref);
        if (t != null && t.modeling && !t.modelComplete) {
            t.modelComplete = true;
            t.dirty = true;
        }
    }

    /** Seeds a failure recorded in an existing ArmorProfile's status (leader start-up). */
    public synchronized void seedFailure(ProfileRef ref, String node, String message) {
        Tracked t = tracked.get(ref);
        if (t != null) {
            reports.computeIfAbsent(ref, r -> new HashMap<>()).putIfAbsent(node,
                    new ProfileReport(ref.namespace(), ref.name(), t.hash, ProfileReport.FAILED, message));
        }
    }

    public synchronized void untrack(ProfileRef ref) {
        tracked.remove(ref);
        reports.remove(ref);
    }

    public synchronized boolean isTracked(ProfileRef ref) {
        return tracked.containsKey(ref);
    }

    /** Accepts an authenticated agent's report; {@code node} comes from its credential. */
    public synchronized void accept(String node, NodeReport report) {
        long now = clock.getAsLong();
        Set<ProfileRef> listed = new HashSet<>();
        for (ProfileReport r : report.reports() == null ? List.<ProfileReport>of() : report.reports()) {
            if (r.namespace() == null || r.armorProfile() == null) {
                continue;
            }
            ProfileRef ref = new ProfileRef(r.namespace(), r.armorProfile());
            listed.add(ref);
            ProfileReport old = reports.computeIfAbsent(ref, x -> new HashMap<>()).put(node, r);
            boolean changed = old == null || !old.equals(r);
            if (changed) {
                markDirty(ref);
            }
            if (old == null || !java.util.Objects.equals(old.status(), r.status()) || !java.util.Objects.equals(old.specHash(), r.specHash())) {
                observer.processed(node, r.succeeded(), old != null);
            }
        }
        if (report.full()) {
            lastSnapshot.put(node, now);
            for (Map.Entry<ProfileRef, Map<String, ProfileReport>> e : reports.entrySet()) {
                if (!listed.contains(e.getKey()) && e.getValue().remove(node) != null) {
                    markDirty(e.getKey());
                }
            }
        }
    }

    private void markDirty(ProfileRef ref) {
        Tracked t = tracked.get(ref);
        if (t != null) {
            t.dirty = true;
        }
    }

    /** Nodes that sent a snapshot within the agent timeout. */
    public synchronized Set<String> liveAgents() {
        long now = clock.getAsLong();
        Set<String> out = new HashSet<>();
        lastSnapshot.forEach((n, t) -> {
            if (now - t <= agentTimeoutMillis) {
                out.add(n);
            }
        });
        return out;
    }

    /**
     * Profiles no node failed but fewer agents loaded than desired (vArmor's periodic check: their agents are asked to
     * process them again by bumping {@code profile-reconcile-counter}).
     */
    public synchronized java.util.List<ProfileRef> lagging() {
        int want = desired.getAsInt();
        java.util.List<ProfileRef> out = new java.util.ArrayList<>();
        tracked.forEach((ref, t) -> {
            int ok = 0;
            boolean failed = false;
            for (ProfileReport r : reports.getOrDefault(ref, Map.of()).values()) {
                if (t.hash.equals(r.specHash())) {
                    ok += r.succeeded() ? 1 : 0;
                    failed |= !r.succeeded();
                }
            }
            if (!failed && ok < want) {
                out.add(ref);
            }
        });
        return out;
    }

    /** Publishes every profile whose state changed; returns how many were published. */
    public int flush() {
        List<Object[]> out = new ArrayList<>();
        synchronized (this) {
            int want = desired.getAsInt();
            long now = clock.getAsLong();
            if (now < warmupUntil && (want <= 0 || liveAgents().size() < want)) {
                return 0;
            }
            warmupUntil = 0;
            dropDeadAgents(now);
            boolean all = want != lastDesired;
            lastDesired = want;
            for (Map.Entry<ProfileRef, Tracked> e : tracked.entrySet()) {
                Tracked t = e.getValue();
                if (!t.dirty && !all) {
                    continue;
                }
                t.dirty = false;
                int current = 0;
                TreeMap<String, String> failures = new TreeMap<>();
                for (Map.Entry<String, ProfileReport> r : reports.getOrDefault(e.getKey(), Map.of()).entrySet()) {
                    if (!t.hash.equals(r.getValue().specHash())) {
                        continue;
                    }
                    if (r.getValue().succeeded()) {
                        current++;
                    } else {
                        failures.put(r.getKey(), r.getValue().message() == null ? "failed" : r.getValue().message());
                    }
                }
                out.add(new Object[] {e.getKey(), t.owner, new LoadResult(want, current, failures, t.modeling, t.modelComplete)});
            }
        }
        for (Object[] o : out) {
            publisher.publish((ProfileRef) o[0], (PolicyKey) o[1], (LoadResult) o[2]);
        }
        return out.size();
    }

    private void dropDeadAgents(long now) {
        for (var it = lastSnapshot.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (now - e.getValue() > agentTimeoutMillis) {
                it.remove();
                for (Map.Entry<ProfileRef, Map<String, ProfileReport>> r : reports.entrySet()) {
                    if (r.getValue().remove(e.getKey()) != null) {
                        markDirty(r.getKey());
                    }
                }
            }
        }
    }
}
