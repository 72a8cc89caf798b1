package io.varmor.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.event.ViolationEvent;
import io.varmor.api.model.DynamicResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BehaviorRecorderTest {
    static ViolationEvent event(Map<String, Object> ev) {
        return new ViolationEvent("warn", null, null, null, null, null, null, null, null, 1L, 1L, 0L, "BPF", "ALLOWED", "p", null,
                null, null, null, ev, null, null);
    }

    @Test
    void twoReplicasWithDifferentBehaviourMergeIntoOneModel() {
        BehaviorRecorder a = new BehaviorRecorder(Duration.ofSeconds(1));
        a.accept(event(Map.of("operation", "Syscall", "syscall", "read")));
        a.accept(event(Map.of("operation", "Bprm", "path", "/bin/ls")));
        a.accept(event(Map.of("operation", "File", "path", "/etc/hosts", "permissions", List.of("read"))));
        BehaviorRecorder b = new BehaviorRecorder(Duration.ofSeconds(1));
        b.accept(event(Map.of("operation", "Syscall", "syscall", "connect")));
        b.accept(event(Map.of("operation", "File", "path", "/etc/hosts", "permissions", List.of("write"))));
        b.accept(event(Map.of("operation", "Capability", "capability", "net_raw")));
        DynamicResult m = BehaviorRecorder.merge(a.snapshot(), b.snapshot());
        assertEquals(List.of("connect", "read"), m.seccomp().syscalls());
        assertEquals(List.of("/bin/ls"), m.bpf().executions());
        assertEquals(List.of("read", "write"), m.bpf().files().get(0).permissions());
        assertEquals(List.of("net_raw"), m.bpf().capabilities());
    }

    static ViolationEvent appArmor(Map<String, Object> ev) {
        return new ViolationEvent("warn", null, null, null, null, null, null, null, null, 1L, 1L, 0L, "AppArmor", "ALLOWED",
                "varmor-local-m", null, null, null, null, ev, null, null);
    }

    @Test
    void appArmorComplainRecordsBecomeTheAppArmorPartOfTheModel() {
        BehaviorRecorder r = new BehaviorRecorder(Duration.ofSeconds(1));
        r.accept(appArmor(Map.of("operation", "exec", "name", "/usr/bin/cat", "requestedMask", "x")));
        r.accept(appArmor(Map.of("operation", "open", "name", "/etc/os-release", "requestedMask", "r")));
        r.accept(appArmor(Map.of("operation", "open", "name", "/var/log/app.log", "requestedMask", "wc")));
        r.accept(appArmor(Map.of("operation", "file_mmap", "name", "/usr/lib/x86_64-linux-gnu/libc.so.6", "requestedMask", "mr")));
        r.accept(appArmor(Map.of("operation", "capable", "name", "chown", "capability", 0)));
        r.accept(appArmor(Map.of("operation", "create", "netFamily", "inet", "netSockType", "stream", "netProtocol", 6)));
        r.accept(appArmor(Map.of("operation", "signal", "peer", "unconfined", "requestedMask", "receive", "signal", "term")));
        r.accept(appArmor(Map.of("operation", "pivotroot", "name", "/x")));
        var aa = r.snapshot().appArmor();
        assertEquals(List.of("varmor-local-m"), aa.profiles());
        assertEquals(List.of("/usr/bin/cat"), aa.executions());
        assertEquals("[FileAccess[path=/etc/os-release, owner=null, permissions=[r], oldPath=null], "
                + "FileAccess[path=/usr/lib/x86_64-linux-gnu/**, owner=null, permissions=[m, r], oldPath=null], "
                + "FileAccess[path=/var/log/app.log, owner=null, permissions=[w], oldPath=null]]", aa.files().toString());
        assertEquals(List.of("chown"), aa.capabilities());
        assertEquals("[SocketUse[domain=inet, type=stream, protocol=6]]", aa.networks().sockets().toString());
        assertEquals("[SignalAccess[peer=unconfined, permissions=[receive], signals=[term]]]", aa.signals().toString());
        assertEquals(List.of("pivotroot"), aa.unhandled());
        assertEquals(null, r.snapshot().bpf(), "AppArmor records do not leak into the BPF part");
    }

    @Test
    void convergenceMeansNothingNewForTheWindow() throws Exception {
        BehaviorRecorder r = new BehaviorRecorder(Duration.ofMillis(200));
        r.accept(event(Map.of("operation", "Syscall", "syscall", "read")));
        assertFalse(r.converged());
        Thread.sleep(250);
        r.accept(event(Map.of("operation", "Syscall", "syscall", "read")));
        assertTrue(r.converged(), "a repeated syscall is not new behaviour");
        r.accept(event(Map.of("operation", "Syscall", "syscall", "write")));
        assertFalse(r.converged());
    }
}
