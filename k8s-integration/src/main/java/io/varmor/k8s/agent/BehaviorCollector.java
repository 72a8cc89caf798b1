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
 * Duration changes apply live (the deadline moves). Unfinished recordings are saved (each check, when they grew) to
 * {@code <stateDir>/<namespace>_<profile>.json} and loaded when the agent starts, so a restarted agent continues them:
 * once the profile is seen modelling with the same spec, the saved behaviour is part of what it sends.
 */
public final class BehaviorCollector implements EventSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BehaviorCollector.class.getName());

    private static final class Run {
        final ProfileRef ref;
        final String specHash;
        final BehaviorRecorder recorder = new BehaviorRecorder(Duration.ofDays(1));
        /** What an earlier agent process recorded for this spec (null: nothing). */
        final io.varmor.api.model.DynamicResult earlier;
        volatile long deadline;
        long savedEvents = -1;

        Run(ProfileRef ref, String specHash, long deadline, io.varmor.api.model.DynamicResult earlier) {
            this.ref = ref;
            this.specHash = specHash;
            this.deadline = deadline;
            this.earlier = earlier;
        }

        io.varmor.api.model.DynamicResult snapshot() {
            return BehaviorRecorder.merge(earlier, recorder.snapshot());
        }
    }

    /** A saved recording. */
    record Saved(String namespace, String profile, String specHash, long deadline, io.varmor.api.model.DynamicResult data) {}

    private final java.nio.file.Path stateDir;

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

    /** @param stateDir where unfinished recordings are saved and loaded from (null: memory only) */
    public BehaviorCollector(String nodeName, StatusReporter channel, LongSupplier clock, Duration check,
                             java.nio.file.Path stateDir) {
        this.nodeName = nodeName;
        this.channel = channel;
        this.clock = clock;
        this.stateDir = stateDir;
        load();
        timer.scheduleWithFixedDelay(this::deliverFinished, check.toMillis(), check.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The profile is (still) modelling until {@code deadlineMillis}; a new spec starts a new recording. */
    public void modeling(ProfileRef ref, String specHash, long deadlineMillis) {
        if (specHash.equals(delivered.get(ref.name()))) {
            return;
        }
        Run r = runs.get(ref.name());
        if (r == null || !r.specHash.equals(specHash)) {
            runs.put(ref.name(), new Run(ref, specHash, deadlineMillis, null));
            delivered.remove(ref.name());
            forget(ref);
        } else {
            r.deadline = deadlineMillis;
        }
    }

    /** The profile stopped modelling or was deleted: its recording is dropped unsent. */
    public void notModeling(String profileName) {
        Run r = runs.remove(profileName);
        delivered.remove(profileName);
        if (r != null) {
            forget(r.ref);
        }
    }

    private java.nio.file.Path file(ProfileRef ref) {
        return stateDir.resolve(ref.namespace() + "_" + ref.name() + ".json");
    }

    /** Loads the recordings an earlier agent process saved. */
    private void load() {
        if (stateDir == null || !java.nio.file.Files.isDirectory(stateDir)) {
            return;
        }
        try (var files = java.nio.file.Files.list(stateDir)) {
            for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                try {
                    Saved s = io.varmor.k8s.model.KubeJson.mapper().readValue(java.nio.file.Files.readString(f), Saved.class);
                    runs.put(s.profile(), new Run(new ProfileRef(s.namespace(), s.profile()), s.specHash(), s.deadline(), s.data()));
                    LOG.info("continuing the behaviour recording of " + s.namespace() + "/" + s.profile() + " saved in " + f);
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.warning("ignoring the unreadable behaviour recording " + f + ": " + e.getMessage());
                }
            }
        } catch (java.io.IOException e) {
            LOG.warning("cannot read " + stateDir + ": " + e.getMessage());
        }
    }

    /** Saves the recordings that grew since they were last saved (atomically replaced files). */
    void save() {
        if (stateDir == null) {
            return;
        }
        for (Run r : runs.values()) {
            long n = r.recorder.eventCount();
            if (n == r.savedEvents) {
                continue;
            }
            java.nio.file.Path f = file(r.ref);
            try {
                java.nio.file.Files.createDirectories(stateDir);
                java.nio.file.Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
                java.nio.file.Files.writeString(tmp, io.varmor.k8s.model.KubeJson.mapper().writeValueAsString(
                        new Saved(r.ref.namespace(), r.ref.name(), r.specHash, r.deadline, r.snapshot())));
                java.nio.file.Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                r.savedEvents = n;
            } catch (java.io.IOException e) {
                LOG.warning("cannot save the behaviour recording of " + r.ref + " to " + f + ": " + e.getMessage());
            }
        }
    }

    private void forget(ProfileRef ref) {
        if (stateDir != null) {
            try {
                java.nio.file.Files.deleteIfExists(file(ref));
            } catch (java.io.IOException e) {
                LOG.warning("cannot remove " + file(ref) + ": " + e.getMessage());
            }
        }
    }

    /** Lost events make this node's models incomplete; said in the log (the data sent is still the union of the rest). */
    @Override
    public void lost(String enforcer, long count, String reason) {
        LOG.warning(enforcer + ": " + count
                + " events lost while modelling (" + reason + "); this node's behaviour models may be incomplete");
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
            BehaviorData d = new BehaviorData(r.ref.namespace(), r.ref.name(), nodeName, r.snapshot());
            if (channel.post("/apis/v1/data", d, "behaviour data of " + r.ref)) {
                runs.remove(r.ref.name(), r);
                delivered.put(r.ref.name(), r.specHash);
                forget(r.ref);
                LOG.info("behaviour data of " + r.ref + " sent (" + r.recorder.eventCount() + " events"
                        + (r.earlier != null ? ", with what an earlier agent process recorded" : "") + ")");
            }
        }
        save();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        save();
    }
}
