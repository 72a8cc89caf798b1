package io.varmor.bpf;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The BPF enforcer's compiled form of one profile: the rows to write into the kernel maps. A profile's tables are
 * stored once and shared by every target bound to it. Path rows are keyed for hash lookups (exact path, each
 * component-boundary prefix, suffix, component name, basename) so that the kernel's cost does not grow with the rule
 * count.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"version", "profile", "mode", "allowList", "capabilities", "files", "processes", "sockets", "egress",
    "ptrace", "mounts", "umounts", "userns"})
public record BpfTables(int version, String profile, String mode, List<CapRow> capabilities, List<PathRow> files,
                        List<PathRow> processes, List<SocketRow> sockets, List<EgressRow> egress, List<PtraceRow> ptrace,
                        List<MountRow> mounts, List<PathRow> umounts, List<FlagRow> userns, Boolean allowList) {

    /** Rule mode bits, as in vArmor: DENY 0x1, AUDIT 0x2; ours: ALLOW 0x4 (an allow-list entry). */
    public static final int DENY = 0x1;
    public static final int AUDIT = 0x2;
    public static final int ALLOW = 0x4;

    /** A block-list profile (every row denies or audits what it matches; the rest is allowed). */
    public BpfTables(int version, String profile, String mode, List<CapRow> capabilities, List<PathRow> files,
                     List<PathRow> processes, List<SocketRow> sockets, List<EgressRow> egress, List<PtraceRow> ptrace,
                     List<MountRow> mounts, List<PathRow> umounts, List<FlagRow> userns) {
        this(version, profile, mode, capabilities, files, processes, sockets, egress, ptrace, mounts, umounts, userns, null);
    }

    /**
     * Whether this is an allow-list (DefenseInDepth): the ALLOW rows of files, processes and sockets are all that is
     * allowed of those kinds; the other rows deny as usual.
     */
    public boolean isAllowList() {
        return Boolean.TRUE.equals(allowList);
    }

    /** A capability rule: bit n of {@code mask} = capability n. */
    @JsonPropertyOrder({"mask", "mode", "rule"})
    public record CapRow(long mask, int mode, String rule) {}

    /** A rule without parameters (user-namespace creation). */
    @JsonPropertyOrder({"mode", "rule"})
    public record FlagRow(int mode, String rule) {}

    /** Union of the denying capability rules' masks. */
    public long capabilitiesDenied() {
        long m = 0;
        for (CapRow c : capabilities) {
            if ((c.mode() & DENY) != 0) {
                m |= c.mask();
            }
        }
        return m;
    }

    /**
     * A path rule. {@code match} is exact, prefix, suffix, prefix-suffix, chain (prefix, suffix and one whole
     * component somewhere in the path) or basename (the file name starts with prefix and ends with suffix).
     * {@code permissions} uses AppArmor bits: exec 0x1, write 0x2, read 0x4, append 0x8, link 0x40000.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"match", "prefix", "suffix", "components", "permissions", "mode", "rule"})
    public record PathRow(String match, String prefix, String suffix, List<String> components, int permissions, int mode,
                          String rule) {}

    /** A socket() rule: each non-zero mask must match. */
    @JsonPropertyOrder({"domains", "types", "protocols", "impliedProtocol", "mode", "rule"})
    public record SocketRow(long domains, long types, long protocols, boolean impliedProtocol, int mode, String rule) {}

    /** A connect() rule. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"cidr", "podSelf", "service", "ports", "mode", "rule"})
    public record EgressRow(String cidr, Boolean podSelf, String service, List<int[]> ports, int mode, String rule) {}

    /** A ptrace rule; permissions trace 0x2, read 0x4, traceby 0x8, readby 0x10. */
    @JsonPropertyOrder({"permissions", "strict", "mode", "rule"})
    public record PtraceRow(int permissions, boolean strict, int mode, String rule) {}

    /** A mount rule. */
    @JsonPropertyOrder({"match", "prefix", "suffix", "fstype", "flags", "reverseFlags", "newMountsOnly", "mode", "rule"})
    public record MountRow(String match, String prefix, String suffix, String fstype, long flags, long reverseFlags,
                           boolean newMountsOnly, int mode, String rule) {}
}
