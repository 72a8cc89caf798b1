package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.event.ViolationEvent;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditRecordsTest {
    private static ViolationEvent parse(String line) {
        return AuditRecords.parse(line).orElseThrow(() -> new AssertionError("not parsed: " + line));
    }

    @Test
    void auditLogFileDenialBecomesADeniedEvent() {
        ViolationEvent e = parse("type=AVC msg=audit(1712345678.123:456): apparmor=\"DENIED\" operation=\"open\" "
                + "profile=\"varmor-demo-demo-1\" name=\"/run/secrets/kubernetes.io/serviceaccount/token\" pid=12345 "
                + "comm=\"cat\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0");
        assertEquals("AppArmor", e.enforcer());
        assertEquals("DENIED", e.action());
        assertEquals("varmor-demo-demo-1", e.profileName());
        assertEquals(12345L, e.pid());
        assertEquals(1712345678L, e.eventTimestamp());
        assertEquals("2024-04-05T19:34:38Z", e.time());
        assertEquals("warn", e.level());
        Map<String, Object> ev = e.event();
        assertEquals("open", ev.get("operation"));
        assertEquals("r", ev.get("requestedMask"));
        assertEquals("r", ev.get("deniedMask"));
        assertEquals("/run/secrets/kubernetes.io/serviceaccount/token", ev.get("name"));
        assertEquals("varmor-demo-demo-1", ev.get("profile"));
        assertEquals(12345L, ev.get("pid"));
        assertEquals("cat", ev.get("comm"));
        assertEquals("1712345678.123:456", ev.get("auditID"));
    }

    @Test
    void kernLogExecDenialIsParsed() {
        ViolationEvent e = parse("Apr  5 12:34:56 node1 kernel: [ 1234.567890] audit: type=1400 "
                + "audit(1712345678.123:457): apparmor=\"DENIED\" operation=\"exec\" profile=\"varmor-demo-demo-1\" "
                + "name=\"/usr/bin/bash\" pid=2345 comm=\"sh\" requested_mask=\"x\" denied_mask=\"x\" fsuid=0 ouid=0");
        assertEquals("exec", e.event().get("operation"));
        assertEquals("/usr/bin/bash", e.event().get("name"));
        assertEquals("x", e.event().get("deniedMask"));
    }

    @Test
    void dmesgCapabilityDenialCarriesTheCapabilityName() {
        ViolationEvent e = parse("[ 1234.5] audit: type=1400 audit(1712345678.200:458): apparmor=\"DENIED\" "
                + "operation=\"capable\" profile=\"varmor-demo-demo-1\" pid=3456 comm=\"ip\" capability=12  capname=\"net_admin\"");
        assertEquals("capable", e.event().get("operation"));
        assertEquals(12L, e.event().get("capability"));
        assertEquals("net_admin", e.event().get("name"));
    }

    @Test
    void socketCreateDenialNamesFamilyAndType() {
        ViolationEvent e = parse("type=AVC msg=audit(1712345678.300:459): apparmor=\"DENIED\" operation=\"create\" "
                + "profile=\"varmor-demo-demo-1\" pid=4567 comm=\"python3\" family=\"alg\" sock_type=\"seqpacket\" "
                + "protocol=0 requested_mask=\"create\" denied_mask=\"create\"");
        assertEquals("alg", e.event().get("netFamily"));
        assertEquals("seqpacket", e.event().get("netSockType"));
        assertEquals(0L, e.event().get("netProtocol"));
    }

    @Test
    void childProfileAuditEventsBelongToTheParentProfileAndHexNamesAreDecoded() {
        String hex = HexFormat.of().withUpperCase().formatHex("/tmp/a b/token".getBytes(StandardCharsets.UTF_8));
        ViolationEvent e = parse("type=AVC msg=audit(1712345678.400:460): apparmor=\"AUDIT\" operation=\"open\" "
                + "profile=\"varmor-demo-demo-1//child_0\" name=" + hex + " pid=99 comm=\"bash\" requested_mask=\"r\" "
                + "denied_mask=\"r\" fsuid=0 ouid=0\u001dFSUID=\"root\" OUID=\"root\"");
        assertEquals("AUDIT", e.action());
        assertEquals("varmor-demo-demo-1", e.profileName());
        assertEquals("varmor-demo-demo-1//child_0", e.event().get("profile"));
        assertEquals("/tmp/a b/token", e.event().get("name"));
        assertEquals(0L, e.event().get("ouid"));
        assertEquals("root", e.event().get("OUID"));
    }

    @Test
    void ptraceAndMountRecordsKeepPeerAndMountFields() {
        ViolationEvent p = parse("type=AVC msg=audit(1712345678.5:1): apparmor=\"DENIED\" operation=\"ptrace\" "
                + "profile=\"varmor-a-b\" pid=5 comm=\"ls\" requested_mask=\"read\" denied_mask=\"read\" peer=\"unconfined\"");
        assertEquals("unconfined", p.event().get("peer"));
        ViolationEvent m = parse("type=AVC msg=audit(1712345678.6:2): apparmor=\"DENIED\" operation=\"mount\" "
                + "info=\"failed flags match\" error=-13 profile=\"varmor-a-b\" name=\"/mnt/\" pid=7 comm=\"mount\" "
                + "fstype=\"proc\" srcname=\"proc\" flags=\"rw\"");
        assertEquals("proc", m.event().get("fsType"));
        assertEquals("proc", m.event().get("srcName"));
        assertEquals(-13L, m.event().get("errorCode"));
        assertEquals("failed flags match", m.event().get("info"));
    }

    @Test
    void complainModeRecordsAreAllowedEvents() {
        assertEquals("ALLOWED", parse("type=AVC msg=audit(1712345678.7:3): apparmor=\"ALLOWED\" operation=\"open\" "
                + "profile=\"varmor-a-b\" name=\"/etc/hosts\" pid=8 comm=\"cat\" requested_mask=\"r\" denied_mask=\"r\" "
                + "fsuid=0 ouid=0").action());
    }

    @Test
    void userSpaceAvcFieldsAreReadFromTheInnerMessage() {
        ViolationEvent e = parse("type=USER_AVC msg=audit(1712345678.500:461): pid=1 uid=103 auid=4294967295 "
                + "ses=4294967295 subj=unconfined msg='apparmor=\"DENIED\" operation=\"dbus_method_call\"  bus=\"system\" "
                + "path=\"/org/freedesktop/DBus\" member=\"Hello\" mask=\"send\" name=\"org.freedesktop.DBus\" pid=2222 "
                + "label=\"varmor-demo-x\" peer_pid=1 peer_label=\"unconfined\"  exe=\"/usr/bin/dbus-daemon\" hostname=?'");
        assertEquals(2222L, e.pid());
        assertEquals("varmor-demo-x", e.profileName());
        assertEquals(1L, e.event().get("peerPID"));
    }

    @Test
    void nonViolationAndNonAppArmorLinesAreIgnored() {
        assertTrue(AuditRecords.parse("type=AVC msg=audit(1712345678.8:4): apparmor=\"STATUS\" operation=\"profile_load\" "
                + "profile=\"unconfined\" name=\"varmor-a-b\" pid=9 comm=\"apparmor_parser\"").isEmpty());
        assertTrue(AuditRecords.parse("type=AVC msg=audit(1712345678.9:5): avc:  denied  { read } for  pid=1 "
                + "comm=\"cat\" name=\"x\" scontext=a tcontext=b tclass=file").isEmpty());
        assertTrue(AuditRecords.parse("type=SYSCALL msg=audit(1712345678.9:5): arch=c000003e syscall=2").isEmpty());
        assertTrue(AuditRecords.parse("").isEmpty());
    }

    @Test
    void profileNameIsTheLabelBeforeTheFirstSlashOrBlank() {
        assertEquals("varmor-a-b", AuditRecords.profileName("varmor-a-b//child_0"));
        assertEquals("varmor-a-b", AuditRecords.profileName("varmor-a-b (enforce)"));
        assertEquals("unconfined", AuditRecords.profileName("unconfined"));
    }
}
