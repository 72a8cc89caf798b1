package io.varmor.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.bpf.kernel.Entry;
import io.varmor.bpf.kernel.Layout;
import io.varmor.bpf.kernel.ProfileImage;
import io.varmor.bpf.nativeaccess.BpfMap;
import io.varmor.bpf.nativeaccess.BpfObject;
import io.varmor.bpf.nativeaccess.BpfRingBuffer;
import io.varmor.testkit.KernelRequirement;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The enforcer object on the host kernel (which refuses BPF LSM): it loads from Java with its LSM programs disabled,
 * every map has the size the Java layout writes, a compiled profile's elements go in, are found again through the
 * bpffs pins (what a restarted agent adopts) and can be deleted by scanning for the profile id; the ring buffer opens.
 */
class VarmorObjectOnHostTest {
    private static Path pins;

    @BeforeAll
    static void needsRootAndBpffs() throws Exception {
        KernelRequirement.assumeOrFail("root".equals(System.getProperty("user.name")), "bpf(2) needs root");
        if (!Files.readString(Path.of("/proc/self/mounts")).contains(" /sys/fs/bpf bpf ")) {
            new ProcessBuilder("mount", "-t", "bpf", "bpf", "/sys/fs/bpf").inheritIO().start().waitFor();
        }
        pins = Path.of("/sys/fs/bpf/varmor-hosttest-" + ProcessHandle.current().pid());
    }

    @Test
    void objectLoadsWithoutLsmProgramsAndItsPinnedMapsHoldAProfile() throws Exception {
        Files.createDirectories(pins);
        Map<String, int[]> sizes = Map.ofEntries(Map.entry(Layout.TARGETS, new int[] {4, Layout.TARGET}),
                Map.entry(Layout.PROFILES, new int[] {4, Layout.PROFILE}),
                Map.entry(Layout.FWD, new int[] {Layout.LPM_KEY, Layout.FNODE}),
                Map.entry(Layout.REV, new int[] {Layout.LPM_KEY, Layout.RNODE}),
                Map.entry(Layout.PAIR, new int[] {Layout.PAIR_KEY, Layout.DEC}),
                Map.entry(Layout.CHAIN, new int[] {Layout.CHAIN_KEY, Layout.CHAIN_SIZE}),
                Map.entry(Layout.SOCK, new int[] {Layout.SOCK_KEY, 4}),
                Map.entry(Layout.EGRESS, new int[] {Layout.EGRESS_KEY, Layout.PORTS}),
                Map.entry(Layout.MCLASS, new int[] {Layout.MCLASS_KEY, Layout.MCLASS_SIZE}),
                Map.entry(Layout.CONFIG, new int[] {4, Layout.CONFIG_SIZE}),
                Map.entry(Layout.STATS, new int[] {4, Layout.STATS_SIZE}));
        try (BpfObject o = BpfObject.openMem(BpfRuntime.objectBytes(), "varmor")) {
            assertEquals(21, o.programNames().size(), o.programNames().toString());
            for (String p : o.programNames()) {
                o.disableAutoload(p);
            }
            for (String m : sizes.keySet()) {
                o.setPinPath(m, pins.resolve(m).toString());
            }
            o.setMaxEntries(Layout.TARGETS, 128).setMaxEntries(Layout.FWD, 4096).setMaxEntries(Layout.REV, 4096);
            o.load();
            sizes.forEach((m, kv) -> {
                BpfMap map = o.map(m);
                assertEquals(kv[0], map.keySize(), m + " key");
                assertEquals(kv[1], map.valueSize(), m + " value");
            });
            assertEquals(128, o.map(Layout.TARGETS).maxEntries());

            ProfileImage.Built img = ProfileImage.build(9, io.varmor.bpf.kernel.Shapes.allShapes(), new byte[16], List.of());
            for (Entry e : img.entries()) {
                o.map(e.map()).update(e.key(), e.value(), BpfMap.NOEXIST);
            }
            o.map(Layout.PROFILES).update(BpfRuntime.u32(9), img.profileValue(), BpfMap.NOEXIST);
            try (BpfRingBuffer rb = BpfRingBuffer.open(o.map(Layout.EVENTS), b -> { })) {
                assertEquals(0, rb.poll(Duration.ofMillis(10)));
            }
        }
        // the object is closed: what is left is what a restarted agent finds in bpffs
        try (BpfMap profiles = BpfMap.openPinned(pins.resolve(Layout.PROFILES).toString());
             BpfMap fwd = BpfMap.openPinned(pins.resolve(Layout.FWD).toString())) {
            ProfileImage.Built img = ProfileImage.build(9, io.varmor.bpf.kernel.Shapes.allShapes(), new byte[16], List.of());
            assertArrayEquals(img.profileValue(), profiles.lookup(BpfRuntime.u32(9)).orElseThrow());
            long nodes = img.entries().stream().filter(e -> e.map().equals(Layout.FWD)).count();
            assertEquals(nodes, fwd.keys().size());
            for (byte[] k : fwd.keys()) {
                assertEquals(9, ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN).getInt(4) >>> 8);
                assertTrue(fwd.delete(k));
            }
            assertEquals(0, fwd.keys().size());
        } finally {
            BpfRuntime.uninstall(pins.toString());
        }
        assertTrue(!Files.exists(pins));
    }
}
