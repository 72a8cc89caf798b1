package io.varmor.apparmor;

import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.Linux;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * IR socket rules as AppArmor {@code network} rules. AppArmor (3.x network mediation) decides on the address family
 * and the socket type, not on the literal protocol argument, so protocols are translated to the (family, type) pairs
 * that carry them: TCP → inet/inet6 stream, UDP → inet/inet6 dgram, ICMP → inet raw, ICMPv6 → inet6 raw. This is
 * what the IR's {@code protocolsImplied} asks for (protocol 0 with a stream socket counts as TCP); it is broader than
 * the protocol alone (every inet stream socket, e.g. SCTP or MPTCP, counts as TCP) and misses ICMP "ping" datagram
 * sockets, which AppArmor cannot tell from UDP.
 */
final class NetworkRules {
    /** Family names AppArmor's parser accepts, by number (Linux.DOMAINS plus AF_UNSPEC). */
    private static final Map<Integer, String> FAMILIES = new TreeMap<>();
    /** Socket type names AppArmor's parser accepts (no dccp). */
    private static final Map<Integer, String> TYPES = new TreeMap<>(Map.of(
            1, "stream", 2, "dgram", 3, "raw", 4, "rdm", 5, "seqpacket", 10, "packet"));
    private static final Map<Integer, List<String[]>> PROTOCOL_PAIRS = Map.of(
            6, List.of(new String[] {"inet", "stream"}, new String[] {"inet6", "stream"}),
            17, List.of(new String[] {"inet", "dgram"}, new String[] {"inet6", "dgram"}),
            1, List.<String[]>of(new String[] {"inet", "raw"}),
            58, List.<String[]>of(new String[] {"inet6", "raw"}));

    static {
        FAMILIES.put(0, "unspec");
        Linux.DOMAINS.forEach((name, n) -> FAMILIES.put(n, name));
    }

    private NetworkRules() {}

    static Optional<String> problem(IrRule.Socket s) {
        if (!s.types().isEmpty() && !s.protocols().isEmpty()) {
            return Optional.of("AppArmor network rules cannot restrict socket types and protocols at once");
        }
        if (!s.protocols().isEmpty() && !s.protocolsImplied()) {
            return Optional.of("AppArmor mediates socket family and type, not the literal protocol argument");
        }
        for (int p : s.protocols()) {
            if (!PROTOCOL_PAIRS.containsKey(p)) {
                return Optional.of("AppArmor network rules cannot express protocol " + p);
            }
        }
        for (int t : s.types()) {
            if (!TYPES.containsKey(t)) {
                return Optional.of("AppArmor network rules have no socket type " + t + (t == 6 ? " (dccp)" : ""));
            }
        }
        if (!allDomains(s)) {
            for (int d : s.domains()) {
                if (!FAMILIES.containsKey(d)) {
                    return Optional.of("AppArmor network rules have no address family " + d);
                }
            }
        }
        return Optional.empty();
    }

    /** The rule bodies (without qualifier), e.g. {@code network inet stream}. */
    static List<String> render(IrRule.Socket s) {
        Set<String> out = new LinkedHashSet<>();
        boolean anyDomain = s.domains().isEmpty() || allDomains(s);
        if (!s.protocols().isEmpty()) {
            for (int p : s.protocols()) {
                for (String[] pair : PROTOCOL_PAIRS.get(p)) {
                    if (anyDomain || s.domains().contains(Linux.DOMAINS.get(pair[0]))) {
                        out.add("network " + pair[0] + " " + pair[1]);
                    }
                }
            }
        } else if (!s.types().isEmpty()) {
            for (int t : s.types()) {
                if (anyDomain && t == 10) {
                    // "network packet" alone names the packet family, so the obsolete SOCK_PACKET type is spelled out
                    FAMILIES.values().forEach(f -> out.add("network " + f + " packet"));
                } else if (anyDomain) {
                    out.add("network " + TYPES.get(t));
                } else {
                    for (int d : s.domains()) {
                        out.add("network " + FAMILIES.get(d) + " " + TYPES.get(t));
                    }
                }
            }
        } else if (anyDomain) {
            out.add("network");
        } else {
            for (int d : s.domains()) {
                out.add("network " + FAMILIES.get(d));
            }
        }
        return new ArrayList<>(out);
    }

    private static boolean allDomains(IrRule.Socket s) {
        for (int d = 0; d <= Linux.MAX_DOMAIN; d++) {
            if (!s.domains().contains(d)) {
                return false;
            }
        }
        return true;
    }
}
