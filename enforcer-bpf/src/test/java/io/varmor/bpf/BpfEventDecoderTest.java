package io.varmor.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varmor.api.event.ViolationEvent;
import io.varmor.bpf.kernel.Layout;
import io.varmor.core.spi.TargetBinding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BpfEventDecoderTest {
    static final TargetBinding T = new TargetBinding("varmor-ns-p", 4026532000L, 0, 42, 0,
            Map.of("policyKind", "VarmorPolicy", "policyName", "p", "policyNamespace", "ns"));

    static ByteBuffer header(int size, int action, int type, int rule) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, action).putInt(4, type).putInt(8, (int) 4026532000L).putInt(12, 77).putLong(16, 2_000_000_000L)
                .putInt(24, 3).putInt(28, rule);
        b.put(40, "cat".getBytes(StandardCharsets.UTF_8));
        return b;
    }

    @Test
    void fileEventsCarryPermissionsPathAndTheRuleIdOfTheReference() {
        String path = "/run/secrets/kubernetes.io/serviceaccount/token";
        ByteBuffer b = header(Layout.EV_HDR + Layout.EV_PATH_HEAD + path.length(), Layout.A_DENIED, Layout.T_FILE, 2);
        int o = Layout.EV_HDR;
        b.putInt(o, 0x4).putInt(o + 4, 1).putInt(o + 32, path.length());
        b.put(o + Layout.EV_PATH_HEAD, path.getBytes(StandardCharsets.UTF_8));
        ViolationEvent e = BpfEventDecoder.decode(b, T, List.of("runtime-default", "mitigate-sa-leak"), 1_000_000_000_000L);
        assertEquals("DENIED", e.action());
        assertEquals("BPF", e.enforcer());
        assertEquals("mitigate-sa-leak", e.ruleId());
        assertEquals(77L, e.pid());
        assertEquals(4026532000L, e.mntNsID());
        assertEquals(1002L, e.eventTimestamp());
        assertEquals("File", e.event().get("operation"));
        assertEquals(List.of("read"), e.event().get("permissions"));
        assertEquals(path, e.event().get("path"));
        assertEquals("open", e.event().get("access"));
        assertEquals("p", e.policyName());
        assertEquals("varmor-ns-p", e.profileName());
    }

    @Test
    void networkAndCapabilityEventsUseNamesNotNumbers() {
        ByteBuffer b = header(Layout.EV_HDR + 40, Layout.A_AUDIT, Layout.T_NET, 1);
        int o = Layout.EV_HDR;
        b.putInt(o, 1).putShort(o + 16, (short) 2).putShort(o + 18, (short) 443);
        b.put(o + 20, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254});
        ViolationEvent e = BpfEventDecoder.decode(b, T, List.of("block-access-to-metadata-service"), 0);
        assertEquals("AUDIT", e.action());
        assertEquals("connect", e.event().get("type"));
        assertEquals(Map.of("ip", "169.254.169.254", "port", 443), e.event().get("address"));

        ByteBuffer c = header(Layout.EV_HDR + 8, Layout.A_ALLOWED, Layout.T_CAP, 0);
        c.putInt(Layout.EV_HDR, 12);
        ViolationEvent ce = BpfEventDecoder.decode(c, T, null, 0);
        assertEquals("ALLOWED", ce.action());
        assertEquals("net_admin", ce.event().get("capability"));
        assertEquals(null, ce.ruleId());
    }
}
