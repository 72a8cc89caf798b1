package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.ir.Disposition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RuntimeDefault body's globs deny exactly what spec §6.2 describes. */
class BaseBodiesTest {
    private static final List<String> BODY = BaseBodies.runtimeDefault("varmor-a-b", Disposition.DENY);

    /** Whether some deny line with a write permission matches {@code path}. */
    private static boolean writeDenied(String path) {
        return BODY.stream().filter(l -> l.startsWith("deny /"))
                .filter(l -> l.substring(l.lastIndexOf(' ') + 1).contains("w"))
                .anyMatch(l -> AaGlob.matches(l.substring(5, l.lastIndexOf(' ')), path));
    }

    private static boolean readDenied(String path) {
        return BODY.stream().filter(l -> l.startsWith("deny /"))
                .filter(l -> l.substring(l.lastIndexOf(' ') + 1).contains("r"))
                .anyMatch(l -> AaGlob.matches(l.substring(5, l.lastIndexOf(' ')), path));
    }

    @Test
    void procWritesAreDeniedOutsideProcessDirectoriesAndShm() {
        for (String p : List.of("/proc/sysrq-trigger", "/proc/tty/ldisc", "/proc/1a/x", "/proc/sys/net/ipv4/ip_forward",
                "/proc/sys/vm/drop_caches", "/proc/sys/kernel/core_pattern", "/proc/sys/kernel/yama/ptrace_scope",
                "/proc/s/x", "/proc/sysx/y", "/proc/kcore")) {
            assertTrue(writeDenied(p), p);
        }
        for (String p : List.of("/proc/123/attr/current", "/proc/1/oom_score_adj", "/proc/4321/attr/exec",
                "/proc/sys/kernel/shmmax", "/proc/sys/kernel/shm_rmid_forced")) {
            assertFalse(writeDenied(p), p);
        }
    }

    @Test
    void kernelMemoryAndSecurityfsAreNotEvenReadable() {
        for (String p : List.of("/proc/kcore", "/proc/kmem", "/proc/mem", "/sys/firmware/efi/x",
                "/sys/kernel/security/apparmor/profiles", "/sys/devices/virtual/powercap/intel-rapl/energy_uj")) {
            assertTrue(readDenied(p), p);
        }
        assertFalse(readDenied("/proc/cpuinfo"));
        assertFalse(readDenied("/sys/class/net/eth0/address"));
    }

    @Test
    void sysfsIsReadOnlyExceptTheCgroupTree() {
        assertTrue(writeDenied("/sys/class/net/eth0/mtu"));
        assertTrue(writeDenied("/sys/fs/bpf/x"));
        assertTrue(writeDenied("/sys/fs/cgroupx/y"));
        assertFalse(writeDenied("/sys/fs/cgroup/memory.max"));
        assertFalse(writeDenied("/sys/fs/cgroup/pids/pids.max"));
    }

    @Test
    void qualifierFollowsTheDispositionAndExecNeedsAModeWhenAllowed() {
        List<String> audit = BaseBodies.runtimeDefault("varmor-a-b", Disposition.AUDIT);
        List<String> allow = BaseBodies.runtimeDefault("varmor-a-b", Disposition.ALLOW);
        List<String> deny = BaseBodies.runtimeDefault("varmor-a-b", Disposition.DENY_AUDIT);
        assertTrue(audit.contains("audit /proc/{sysrq-trigger,mem,kmem,kcore} rwklix,"));
        assertTrue(audit.contains("audit mount,"));
        assertTrue(allow.contains("/proc/{sysrq-trigger,mem,kmem,kcore} rwklix,"));
        assertTrue(allow.contains("mount,"));
        assertTrue(deny.contains("audit deny /proc/{sysrq-trigger,mem,kmem,kcore} rwklx,"));
        assertEquals(BODY.size(), audit.size());
    }

    @Test
    void ptraceAndSignalsStayWithinTheProfileFamily() {
        assertTrue(BODY.contains("ptrace (trace, read, tracedby, readby) peer=varmor-a-b{,//**},"));
        assertTrue(BODY.contains("signal (send, receive) peer=varmor-a-b{,//**},"));
        assertFalse(BODY.contains("ptrace,"));
    }
}
