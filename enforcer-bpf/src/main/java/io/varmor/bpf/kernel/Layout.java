package io.varmor.bpf.kernel;

/**
 * Sizes, offsets and constants of {@code bpf/src/varmor.h}, the layouts the BPF programs and Java share. Everything is
 * little-endian and padding-free; {@code LayoutTest} pins the sizes against the compiled object's BTF-free view (the
 * map definitions' key and value sizes).
 */
public final class Layout {
    private Layout() {}

    /** Map names in the object. */
    public static final String TARGETS = "v_targets", PROFILES = "v_profiles", FWD = "v_fwd", REV = "v_rev",
            PAIR = "v_pair", CHAIN = "v_chain", SOCK = "v_sock", EGRESS = "v_egress", MCLASS = "v_mclass",
            CONFIG = "v_config", STATS = "v_stats", SCRATCH = "v_scratch", EVENTS = "v_events", SEEN = "v_seen";

    /** Profile modes. */
    public static final int ENFORCE = 1, COMPLAIN = 2;

    /** Kinds an allow-list profile decides by allow entries ({@code va_profile.allow}). */
    public static final int AL_FILE = 0x1, AL_EXEC = 0x2, AL_SOCK = 0x4;

    /** Internal permission bits (one per decision slot). */
    public static final int P_EXEC = 0x01, P_WRITE = 0x02, P_READ = 0x04, P_APPEND = 0x08, P_LINK = 0x10;
    /** Number of permission slots in a decision. */
    public static final int NPERM = 5;

    /** Rule reference: index + 1 in bits 0..14, bit 15 = the rule audits. */
    public static final int RULE_MASK = 0x7fff, RULE_AUDIT = 0x8000;

    /** Trie kinds. */
    public static final int K_FILE = 1, K_EXEC = 2, K_UMOUNT = 3, K_MOUNT0 = 16, K_PAIRED = 0x40, K_BASENAME = 0x80;
    /** Most mount classes (distinct fstype/flags combinations) per profile. */
    public static final int MAX_MOUNT_CLASSES = 64;

    /** Per-kind lookup flags. */
    public static final int KF_FWD = 0x01, KF_REV = 0x02, KF_PAIR = 0x04, KF_CHAIN = 0x08, KF_BASE = 0x10;

    /** Longest path literal (prefix, suffix, exact path, basename part) a path rule can have. */
    public static final int KEY_PATH = 252;

    /** Sizes of keys and values. */
    public static final int DEC = 40, LPM_KEY = 260, FNODE = 96, RNODE = 48, PAIR_KEY = 16, CHAIN_KEY = 16,
            CHAIN_VAR = 64, CHAIN_VARS = 4, CHAIN_SIZE = CHAIN_VAR * CHAIN_VARS, TARGET = 56, PROFILE = 240, SOCK_KEY = 12,
            EGRESS_KEY = 28, PORT_RANGES = 32, PORTS = 4 + 8 * PORT_RANGES, MCLASS_KEY = 8, MCLASS_SIZE = 40, CONFIG_SIZE = 32,
            STATS_SIZE = 64;

    /** Offsets in struct va_profile. */
    public static final int PR_MODE = 0, PR_MOUNT_CLASSES = 4, PR_KIND_FLAGS = 8, PR_CAP_DENY = 16, PR_CAP_AUDIT = 24,
            PR_CAP_RULE = 32, PR_PTRACE = 160, PR_USERNS = 192, PR_EXEC_UNLINKED = 196, PR_SOCK_DIMS = 200,
            PR_EGRESS = 204, PR_MAX_SFX = 208, PR_PATH_GUARD = 212, PR_HASH = 216, PR_ALLOW = 232,
            PR_ALLOW_REF = 236;

    /** Offsets in struct va_target. */
    public static final int TG_PROFILE = 0, TG_FLAGS = 4, TG_POD4 = 24, TG_POD6 = 28;

    /** Events. */
    public static final int EV_HDR = 56, EV_PATH_HEAD = 40;
    public static final int A_DENIED = 1, A_AUDIT = 2, A_ALLOWED = 4;
    public static final int T_CAP = 0x1, T_FILE = 0x2, T_BPRM = 0x4, T_NET = 0x8, T_PTRACE = 0x10, T_MOUNT = 0x20,
            T_USERNS = 0x40;

    /** FNV-1a 64 of a path component, as chain_step computes it. */
    public static long fnv1a(byte[] s, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h ^= s[i] & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
