package io.varmor.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.bpf.nativeaccess.BpfException;
import io.varmor.bpf.nativeaccess.BpfMap;
import io.varmor.bpf.nativeaccess.BpfObject;
import io.varmor.bpf.nativeaccess.BpfRingBuffer;
import io.varmor.testkit.KernelRequirement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lab_smoke object on the host kernel: maps and ring buffer work from Java; LSM is probed, not assumed. */
class LabSmokeOnHostTest {

    @BeforeAll
    static void needsRootForBpf() {
        KernelRequirement.assumeOrFail("root".equals(System.getProperty("user.name")), "bpf(2) needs root");
    }

    @Test
    void objectLoadsMapsFromJavaWithTheLsmProgramDisabled() {
        try (BpfObject obj = BpfObject.openMem(LabSmoke.objectBytes(), "lab_smoke")) {
            assertEquals(List.of(LabSmoke.PROGRAM), obj.programNames());
            obj.disableAutoload(LabSmoke.PROGRAM).load();
            BpfMap targets = obj.map(LabSmoke.MAP_TARGET_MNTNS);
            targets.update(LabSmoke.u32(4026531841L), LabSmoke.u32(1), BpfMap.ANY);
            assertArrayEquals(LabSmoke.u32(1), targets.lookup(LabSmoke.u32(4026531841L)).orElseThrow());
            assertTrue(targets.lookup(LabSmoke.u32(7)).isEmpty());
            BpfMap deny = obj.map(LabSmoke.MAP_DENY_PATH);
            deny.update(LabSmoke.u32(0), LabSmoke.pathValue("/etc/shadow"), BpfMap.ANY);
            assertEquals(LabSmoke.PATH_MAX, deny.valueSize());
            try (BpfRingBuffer rb = BpfRingBuffer.open(obj.map(LabSmoke.MAP_EVENTS), b -> { })) {
                assertEquals(0, rb.poll(Duration.ofMillis(10)));
            }
            BpfException e = assertThrows(BpfException.class,
                    () -> targets.update(LabSmoke.u32(9), LabSmoke.u32(1), BpfMap.EXIST));
            assertEquals("BPF_MAP_UPDATE_ELEM target_mntns: ENOENT", e.getMessage());
        }
    }

    @Test
    void lsmProbeNamesTheProgramTypeAndErrnoWhenTheKernelRefusesIt() {
        BpfLsmSupport support = BpfLsmSupport.probe();
        System.out.println("[host] BPF LSM: " + support.detail());
        if (!support.supported()) {
            assertTrue(support.detail().matches("program type lsm refused \\(E[A-Z0-9]+\\)"), support.detail());
        }
    }

    @Test
    void refusedLsmLoadFailsWithCallAndErrnoInTheMessage() {
        if (BpfLsmSupport.probe().supported()) {
            return; // this kernel accepts LSM programs: nothing to refuse
        }
        try (BpfObject obj = BpfObject.openMem(LabSmoke.objectBytes(), "lab_smoke")) {
            BpfException e = assertThrows(BpfException.class, obj::load);
            assertEquals("BPF_PROG_LOAD lsm/file_open (lab_file_open)", e.call());
            assertFalse(e.errnoName().startsWith("errno"), e.getMessage());
            assertEquals(e.call() + ": " + e.errnoName(), e.getMessage());
        }
    }
}
