package io.varmor.k8s.agent;

import io.varmor.api.event.ViolationEvent;
import io.varmor.core.model.BehaviorRecorder;
import io.varmor.core.spi.EventSink;
import io.varmor.k8s.operator.ProfileRef;
import io.varmor.k8s.status.BehaviorData;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The agent's modeller (spec §8 steps 2–3): while an ArmorProfile is in BehaviorModeling mode, the ALLOWED/AUDIT
 * events of the containers bound to it (every enforcer's complain/log records, already attributed to the profile)
 * are recorded on this node; once {@code creationTimestamp + duration} has passed, the node's data is sent to the
 * leader ({@code POST /apis/v1/data}) — retried every check until accepted — and the recording is dropped.
 * Duration changes apply live (the deadline moves). A recording survives no agent restart (vArmor's record files do).
 */
public final class BehaviorCollector implements EventSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BehaviorCollector.class.getName());

    private static final class Run {
        final ProfileRef ref;
        final String specHash;
        final BehaviorRecorder recorder = new BehaviorRecorder(Duration.ofDays(1));
        volatile long deadline;

        Run(ProfileRef ref, String specHash, long deadline) {
            this.ref = ref;
            this.specHash = specHash;
            this.deadline = deadline;
        }
    }

    private final String nodeName;
    private final StatusReporter channel;
    private final LongSupplier clock;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    /** profile name → spec hash whose data was delivered (not recorded again). */
    private final Map<String, String> delivered = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "varmor-modeller");
        t.setDaemon(true);
        return t;
    });

    public BehaviorCollector(String nodeName, StatusReporter channel, LongSupplier clock, Duration check) {
        this.nodeName = nodeName;
        this.channel = channel;
        this.clock = clock;
        timer.scheduleWithFixedDelay(this::deliverFinished, check.toMillis(), check.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The profile is (still) modelling until {@code deadlineMillis}; a new spec starts a new recording. */
    public void modeling(ProfileRef ref, String specHash, long deadlineMillis) {
        if (specHash.equals(delivered.get(ref.name()))) {
            return;
        }
        Run r = runs.get(ref.name());
        if (r == null || !r.specHash.equals(specHash)) {
            runs.put(ref.name(), new Run(ref, specHash, deadlineMillis));
            delivered.remove(ref.name());
        } else {
            r.deadline = deadlineMillis;
        }
    }

    /** The profile stopped modelling or was deleted: its recording is dropped unsent. */
    public void notModeling(String profileName) {
        runs.remove(profileName);
        delivered.remove(profileName);
    }

    @Override
    public void accept(ViolationEvent e) {
        if (e.profileName() == null || !("ALLOWED".equals(e.action()) || "AUDIT".equals(e.action()))) {
            return;
        }
        Run r = runs.get(e.profileName());
        if (r != null && clock.getAsLong() < r.deadline) {
            r.recorder.accept(e);
        }
    }

    /** Events recorded for a profile so far (0 when it is not modelling). */
    public long recorded(String profileName) {
        Run r = runs.get(profileName);
        return r == null ? 0 : r.recorder.eventCount();
    }

    void deliverFinished() {
        long now = clock.getAsLong();
        for (Run r : runs.values()) {
            if (now < r.deadline) {
                continue;
            }
            BehaviorData d = new BehaviorData(r.ref.namespace(), r.ref.name(), nodeName, r.recorder.snapshot());
            if (channel.post("/apis/v1/data", d, "behaviour data of " + r.ref)) {
                runs.remove(r.ref.name(), r);
                delivered.put(r.ref.name(), r.specHash);
                LOG.info("behaviour data of " + r.ref + " sent (" + r.recorder.eventCount() + " events)");
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
