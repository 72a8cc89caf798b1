package io.varmor.bpf.lab;

import io.varmor.bpf.BpfConfig;
import io.varmor.bpf.BpfEnforcer;
import io.varmor.core.spi.EnforcerProfile;
import io.varmor.core.spi.TargetBinding;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs INSIDE the kernel-lab guest (started by {@link BpfBenchmarkInLabTest}): what the BPF recorder of a modelling
 * target receives and loses. A BehaviorModeling profile (every distinct behaviour reported once) is bound; then (1) one
 * file is opened N times as fast as vprobe can, (2) N distinct files are each read once by one {@code cat}. For each,
 * the events of those files that reached the sink are counted against what happened, next to the kernel's ring-buffer
 * drops and the queue's drops. Prints a Markdown table.
 */
public final class RecorderGuestMain {
    private RecorderGuestMain() {}

    public static void main(String[] args) throws Exception {
        String vp = args[0];
        int[] distinct = {5_000, 20_000, 50_000};
        StringBuilder mk = new StringBuilder("mkdir -p /srv/bench\necho x > /srv/bench/target\n");
        for (int n : distinct) {
            mk.append("mkdir -p /srv/bench/d").append(n).append(" && cd /srv/bench/d").append(n)
                    .append(" && i=0 && while [ $i -lt ").append(n).append(" ]; do : > f$i; i=$((i+1)); done\n");
        }
        BpfEnforcer e = new BpfEnforcer(1024, BpfConfig.defaults().withPinRoot("/sys/fs/bpf/varmor-recorder"));
        Guest.Holder h = Guest.holder("rec", EnforcementGuestMain.SETUP + mk);
        AtomicLong seen = new AtomicLong();
        String[] prefix = {"/srv/bench/target"};
        EnforcerProfile prof = Guest.compile(e, "rec", "mode: BehaviorModeling\nmodelingOptions: {duration: 3}\n");
        TargetBinding tb = new TargetBinding(prof.fileName().replace(".bpf.json", ""), h.mntns(), 0, h.pid(),
                System.currentTimeMillis(), Guest.attrs("rec"));
        AutoCloseable watch = e.observe(tb, ev -> {
            Object p = ev.event() == null ? null : ev.event().get("path");
            if (p != null && p.toString().startsWith(prefix[0])) {
                seen.incrementAndGet();
            }
        });
        AutoCloseable applied = e.apply(prof, tb);
        System.out.println("| workload | accesses | time (ms) | distinct behaviours | events received | lost | ring-buffer drops"
                + " | queue drops | events/s received |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        try {
            long n = Long.parseLong(args.length > 1 ? args[1] : "300000");
            row(e, h, seen, "one file opened N times", n, 1, () -> Guest.inside(h, vp, "bench", "open_close", String.valueOf(n),
                    "/srv/bench/target"));
            for (int d : distinct) {
                prefix[0] = "/srv/bench/d" + d + "/";
                row(e, h, seen, "N distinct files read once (cat)", d, d, () -> Guest.inside(h, "sh", "-c",
                        "cd /srv/bench/d" + d + " && cat ./* > /dev/null"));
            }
        } finally {
            applied.close();
            watch.close();
            h.process().destroyForcibly();
            io.varmor.bpf.BpfRuntime.uninstall("/sys/fs/bpf/varmor-recorder");
        }
    }

    interface Work {
        Guest.Run run() throws Exception;
    }

    private static void row(BpfEnforcer e, Guest.Holder h, AtomicLong seen, String what, long accesses, long distinct, Work w)
            throws Exception {
        Map<String, Long> before = e.runtime().stats();
        seen.set(0);
        long t0 = System.nanoTime();
        Guest.Run r = w.run();
        if (r.rc() != 0) {
            throw new IllegalStateException(what + ": " + r.out());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long last = -1;
        for (int i = 0; i < 200 && seen.get() != last; i++) { // until delivery stops growing
            last = seen.get();
            Guest.sleep(Duration.ofMillis(300));
        }
        Map<String, Long> after = e.runtime().stats();
        System.out.printf("| %s | %d | %d | %d | %d | %d | %d | %d | %.0f |%n", what, accesses, ms, distinct, seen.get(),
                distinct - seen.get(), after.get("ringbufDrops") - before.get("ringbufDrops"),
                after.get("queueDrops") - before.get("queueDrops"), seen.get() * 1000.0 / Math.max(1, ms));
    }
}
