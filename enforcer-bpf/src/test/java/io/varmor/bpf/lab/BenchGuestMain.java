package io.varmor.bpf.lab;

import io.varmor.bpf.BpfEnforcer;
import io.varmor.bpf.BpfRuntime;
import io.varmor.bpf.BpfTables;
import io.varmor.bpf.kernel.Entry;
import io.varmor.bpf.kernel.Layout;
import io.varmor.bpf.kernel.ProfileImage;
import io.varmor.bpf.nativeaccess.BpfLink;
import io.varmor.bpf.nativeaccess.BpfMap;
import io.varmor.bpf.nativeaccess.BpfObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lab benchmark, run INSIDE the guest (one boot): per-operation cost of open+close, fork+execve, connect and a
 * mixed loop in a mount namespace under five conditions: no BPF program, empty LSM programs on the same hooks, varmor
 * loaded with the namespace unbound, bound to 8 rules per kind, and bound to 1,024 rules per kind. Conditions
 * alternate within each round. Two estimators, because other work on the host makes TCG timing noisy: the ratio of the
 * fastest measurement of each condition to the fastest "none" (interference only ever adds time), and the median
 * (min-max) of the per-round ratios.
 * Usage: {@code BenchGuestMain VPROBE REPEATS}.
 */
public final class BenchGuestMain {
    private BenchGuestMain() {}

    static final String[] CONDS = {"none", "empty", "unbound", "rules8", "rules1024"};
    static final String[][] OPS = {{"open_close", "10000"}, {"exec", "30"}, {"connect", "2000"}, {"mixed", "150"}};

    public static void main(String[] args) throws Exception {
        String vp = args[0];
        int reps = Integer.parseInt(args[1]);
        Guest.Holder h = Guest.holder("bench", EnforcementGuestMain.SETUP + "mkdir -p /srv/bench && echo x > /srv/bench/target\n");
        BpfEnforcer compiler = new BpfEnforcer();
        try (BpfObject empty = BpfObject.openMem(resource("/bpf/bench_empty.bpf.o"), "bench_empty");
             BpfObject va = BpfObject.openMem(BpfRuntime.objectBytes(), "varmor")) {
            empty.load();
            va.load();
            int[] ids = {1, 2};
            int[] sizes = {8, 1024};
            for (int i = 0; i < 2; i++) {
                var prof = Guest.compile(compiler, "bench" + sizes[i], Capacity.policy(sizes[i]));
                BpfTables t = io.varmor.api.io.Manifests.json().readValue(prof.content(), BpfTables.class);
                ProfileImage.Built img = ProfileImage.build(ids[i], t, null, List.of());
                for (Entry e : img.entries()) {
                    va.map(e.map()).update(e.key(), e.value(), BpfMap.ANY);
                }
                va.map(Layout.PROFILES).update(u32(ids[i]), img.profileValue(), BpfMap.ANY);
                Guest.print("profile." + sizes[i] + ".entries", img.entries().size());
            }
            Map<String, Map<String, List<Double>>> ratios = new LinkedHashMap<>();
            Map<String, Map<String, List<Long>>> raw = new LinkedHashMap<>();
            for (int rep = 0; rep < reps; rep++) {
                Map<String, Long> none = new LinkedHashMap<>();
                for (String cond : CONDS) {
                    List<BpfLink> links = set(cond, empty, va, h.mntns());
                    for (String[] op : OPS) {
                        long ns = measure(vp, h, op);
                        raw.computeIfAbsent(op[0], k -> new LinkedHashMap<>()).computeIfAbsent(cond, k -> new ArrayList<>()).add(ns);
                        if (cond.equals("none")) {
                            none.put(op[0], ns);
                        }
                        ratios.computeIfAbsent(op[0], k -> new LinkedHashMap<>()).computeIfAbsent(cond, k -> new ArrayList<>())
                                .add((double) ns / none.get(op[0]));
                    }
                    links.forEach(BpfLink::close);
                    va.map(Layout.TARGETS).delete(u32(h.mntns()));
                }
                Guest.print("rep", rep);
            }
            table(raw, ratios);
        } finally {
            h.process().destroyForcibly();
        }
    }

    private static List<BpfLink> set(String cond, BpfObject empty, BpfObject va, long ns) {
        List<BpfLink> links = new ArrayList<>();
        if (cond.equals("none")) {
            return links;
        }
        BpfObject o = cond.equals("empty") ? empty : va;
        for (String p : o.programNames()) {
            links.add(o.program(p).attachLsm());
        }
        if (cond.startsWith("rules")) {
            ByteBuffer v = ByteBuffer.allocate(Layout.TARGET).order(ByteOrder.LITTLE_ENDIAN);
            v.putInt(0, cond.equals("rules8") ? 1 : 2);
            va.map(Layout.TARGETS).update(u32(ns), v.array(), BpfMap.ANY);
        }
        return links;
    }

    private static long measure(String vp, Guest.Holder h, String[] op) throws Exception {
        Guest.Run r = Guest.inside(h, vp, "bench", op[0], op[1], "/srv/bench/target");
        String[] f = r.firstLine().split(" ");
        if (!f[0].equals("ok")) {
            throw new IllegalStateException("bench " + op[0] + ": " + r.out());
        }
        return Long.parseLong(f[1]);
    }

    private static void table(Map<String, Map<String, List<Long>>> raw, Map<String, Map<String, List<Double>>> ratios) {
        StringBuilder t = new StringBuilder("| operation | none: fastest TCG ns/op |");
        for (int i = 1; i < CONDS.length; i++) {
            t.append(' ').append(CONDS[i]).append(" |");
        }
        t.append(" 1024 / 8 |\n|---|---|");
        t.append("---|".repeat(CONDS.length)).append('\n');
        for (String op : raw.keySet()) {
            long none = min(raw.get(op).get("none"));
            t.append("| ").append(op).append(" | ").append(none).append(" |");
            for (int i = 1; i < CONDS.length; i++) {
                t.append(String.format(" %.2f; %s |", (double) min(raw.get(op).get(CONDS[i])) / none,
                        fmt(ratios.get(op).get(CONDS[i]))));
            }
            List<Double> big = ratios.get(op).get("rules1024");
            List<Double> small = ratios.get(op).get("rules8");
            List<Double> rel = new ArrayList<>();
            for (int i = 0; i < big.size(); i++) {
                rel.add(big.get(i) / small.get(i));
            }
            t.append(String.format(" %.2f; %s |%n", (double) min(raw.get(op).get("rules1024")) / min(raw.get(op).get("rules8")),
                    fmt(rel)));
        }
        System.out.println("BENCH-TABLE-BEGIN\n" + t + "cells: fastest/fastest; median (min-max) of per-round ratios\n"
                + "BENCH-TABLE-END");
    }

    static long min(List<Long> v) {
        return v.stream().mapToLong(Long::longValue).min().orElse(1);
    }

    static String fmt(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format("%.2f (%.2f-%.2f)", a[a.length / 2], a[0], a[a.length - 1]);
    }

    static long median(List<Long> v) {
        long[] a = v.stream().mapToLong(Long::longValue).sorted().toArray();
        return a[a.length / 2];
    }

    static byte[] u32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) v).array();
    }

    static byte[] resource(String name) throws Exception {
        try (var in = BenchGuestMain.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
