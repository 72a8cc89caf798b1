/* SPDX-License-Identifier: GPL-2.0 */
/*
 * varmor.h: layouts shared by varmor.bpf.c and the Java side (io.varmor.bpf.kernel.Layout).
 *
 * Every struct is fixed-size, little-endian and padding-free; Java writes the same bytes at the same offsets.
 * Change both sides together (Layout.java mirrors every size and offset below; LayoutTest pins them).
 *
 * Binding:   v_targets   HASH  mnt-ns inum            -> struct va_target (profile id, rate-limit window, pod IPs)
 * Profiles:  v_profiles  HASH  profile id            -> struct va_profile (mode, capability masks, ptrace, userns, flags)
 * Paths:     v_fwd       LPM   (profile,kind,path)    -> struct va_fnode  (longest rule prefix: P**, exact, ancestors;
 *                                                                          kind|0x40: P**S prefixes; kind|0x80: P*S)
 *            v_rev       LPM   (profile,kind,reverse) -> struct va_rnode  (longest rule suffix: **S; kind|0x40: P**S, P*S)
 *            v_pair      HASH  (profile,kind,fwd,rev) -> struct va_dec    (P**S rules, and basename P*S rules)
 *            v_chain     HASH  (profile,kind,comp)    -> struct va_chain  (chain rules, by component hash)
 * Sockets:   v_sock      HASH  (profile,d,t,p,wild)   -> u32 rule refs
 * Egress:    v_egress    LPM   (profile,family,addr)  -> struct va_ports (port intervals of the longest CIDR)
 * Mounts:    v_mclass    HASH  (profile,class)        -> struct va_mclass (fstype/flags class; its sources use kind 16+class)
 * Events:    v_events    RINGBUF, v_stats PERCPU_ARRAY, v_config ARRAY.
 */
#ifndef VARMOR_H
#define VARMOR_H

#define VA_EPERM 1

/* Profile modes */
#define VA_ENFORCE 1
#define VA_COMPLAIN 2

/*
 * Allow-list kinds (va_profile.allow; DefenseInDepth from a behaviour model): for these kinds the rows of the profile
 * are allow entries (stored in the deny slots) and an access is refused, with allow_ref, unless every permission it
 * needs is covered by some entry. Everything else of such a profile (capabilities, ptrace, user namespaces, mounts) is
 * written by Java as the complement of what is allowed. A complain-mode allow-list reports only what it would refuse.
 */
#define VA_AL_FILE 0x1
#define VA_AL_EXEC 0x2
#define VA_AL_SOCK 0x4

/* Internal (compact) permission bits; events carry AppArmor bits (exec 0x1, write 0x2, read 0x4, append 0x8, link 0x40000) */
#define VA_P_EXEC 0x01
#define VA_P_WRITE 0x02
#define VA_P_READ 0x04
#define VA_P_APPEND 0x08
#define VA_P_LINK 0x10
#define VA_NPERM 5

/* A rule reference: 0 = none; bits 0..14 = rule index + 1; bit 15 = the rule also audits (DENY|AUDIT or AUDIT). */
#define VA_RULE_MASK 0x7fff
#define VA_RULE_AUDIT 0x8000

/* Trie kinds (a profile has one forward and one reverse trie per kind) */
#define VA_K_FILE 1
#define VA_K_EXEC 2
#define VA_K_UMOUNT 3
#define VA_K_MOUNT0 16 /* mount class c uses kind 16 + c */
#define VA_K_BASENAME 0x80 /* or-ed into a kind: the basename trie / basename pairs of that kind */
#define VA_K_PAIRED 0x40   /* or-ed into a kind: the tries of P**S prefixes (v_fwd) and P**S / P*S suffixes (v_rev) */
#define VA_MAX_MOUNT_CLASSES 64

/* Per-kind lookup flags (profile.kind_flags >> (8 * kind) for kinds 1..3; mclass.kflags for mount classes) */
#define VA_KF_FWD 0x01
#define VA_KF_REV 0x02
#define VA_KF_PAIR 0x04
#define VA_KF_CHAIN 0x08
#define VA_KF_BASE 0x10

#define VA_KEY_PATH 252 /* bytes of path in an LPM key: the longest literal a path rule can have */
#define VA_PATH_MAX 4096
#define VA_WALK_DEPTH 64

/* per-permission decision: the deny rule and the audit-only rule, each with the path length it needs */
struct va_pdec {
	__u16 deny;
	__u16 deny_need;
	__u16 audit;
	__u16 audit_need;
};

struct va_dec {
	struct va_pdec p[VA_NPERM];
}; /* 40 */

/* prefixlen counts the bits of hdr + data */
struct va_lpm_key {
	__u32 prefixlen;
	__u32 hdr; /* profile << 8 | kind */
	__u8 data[VA_KEY_PATH];
}; /* 260 */

struct va_fnode {
	__u32 pre;  /* DFS pre-order number of this node in its trie (root = 1) */
	__u32 len;  /* length of the node's string */
	__u16 anc_deny;  /* a rule protects something below this directory (rename/link of the directory itself) */
	__u16 anc_audit;
	__u32 pad;
	struct va_dec pfx;   /* P** rules with P a prefix of (or equal to) this node, merged */
	struct va_dec exact; /* exact rules equal to this node (apply when the path length equals len) */
}; /* 96 */

struct va_rnode {
	__u32 pre;
	__u32 len;
	struct va_dec sfx; /* **S rules with S a suffix of this node; need = |P| + |S| */
}; /* 48 */

struct va_pair_key {
	__u32 hdr;
	__u32 fpre; /* pre of the longest forward (or basename) node */
	__u32 rpre; /* pre of the longest reverse node */
	__u32 pad;
}; /* 16 */

struct va_chain_key {
	__u32 hdr;
	__u32 len;  /* component length */
	__u64 hash; /* FNV-1a 64 of the component */
}; /* 16 */

struct va_chain_var {
	__u32 p_lo, p_hi; /* interval of pre numbers of the forward nodes under P */
	__u32 s_lo, s_hi; /* interval of pre numbers of the reverse nodes under S */
	__u16 need_p;     /* the component's leading '/' must be at or after |P| */
	__u16 need_s;     /* the component's trailing '/' + 1 + |S| must not exceed the length */
	__u16 used;
	__u16 pad;
	struct va_dec d;
}; /* 64 */

#define VA_CHAIN_VARS 4
struct va_chain {
	struct va_chain_var v[VA_CHAIN_VARS];
}; /* 256 */

struct va_target {
	__u32 profile;
	__u32 flags; /* bit0: pod IPv4 set, bit1: pod IPv6 set */
	__u64 win_start; /* event rate limit: window start (ktime ns) */
	__u32 win_count;
	__u32 pad;
	__u8 pod4[4];
	__u8 pod6[16];
	__u8 pad2[12];
}; /* 56 */

struct va_profile {
	__u32 mode;
	__u32 mount_classes;
	__u64 kind_flags;
	__u64 cap_deny;   /* bit n: capability n is denied */
	__u64 cap_audit;  /* bit n: capability n is audited only */
	__u16 cap_rule[64];
	__u32 ptrace[8];  /* [perm * 2 + cross]: deny ref | audit ref << 16; perm trace 0, read 1, traceby 2, readby 3 */
	__u32 userns;     /* deny ref | audit ref << 16 */
	__u32 exec_unlinked; /* executing a file without a name (memfd, deleted, O_TMPFILE) */
	__u32 sock_dims;  /* bit w: v_sock has keys with wildcard pattern w */
	__u32 egress;     /* bit0 IPv4 CIDRs, bit1 IPv6 CIDRs, bit2 pod-self */
	__u32 max_sfx;    /* longest reverse-trie string (bytes to reverse) */
	__u32 path_guard; /* deny ref | audit ref << 16 for paths that cannot be resolved (too deep, too long) */
	__u8 hash[16];    /* content hash prefix, for adoption by a restarted agent */
	__u32 allow;      /* VA_AL_* kinds decided by allow-list */
	__u32 allow_ref;  /* deny ref | audit ref << 16 of an access outside the allow-list */
}; /* 240 */

struct va_sock_key {
	__u32 profile;
	__u16 proto;
	__u8 domain;
	__u8 type;
	__u32 wild; /* 1 domain any, 2 type any, 4 protocol any, 8 implied protocol */
}; /* 12 */

struct va_egress_key {
	__u32 prefixlen; /* 64 + address bits */
	__u32 profile;
	__u8 family; /* 4, 6, or 0xff for the pod's own address */
	__u8 pad[3];
	__u8 addr[16];
}; /* 28 */

#define VA_PORT_RANGES 32
struct va_port_range {
	__u16 lo, hi;
	__u32 ref; /* deny ref | audit ref << 16 */
};
struct va_ports {
	__u32 n;
	struct va_port_range r[VA_PORT_RANGES];
}; /* 260 */

struct va_mclass_key {
	__u32 profile;
	__u32 idx;
};
struct va_mclass {
	char fstype[16]; /* "*" = any */
	__u64 flags;     /* match when any is set (0 and rflags 0: any flags) */
	__u64 rflags;    /* match when any is clear */
	__u32 new_only;  /* only new mounts (not bind/remount/move/propagation) */
	__u32 kflags;    /* VA_KF_* of this class's source tries */
}; /* 40 */

struct va_config {
	__u32 rate_per_sec; /* events per second per namespace, 0 = unlimited */
	__u32 host_mntns;   /* the node's initial mount namespace */
	__u64 reserved[3];
}; /* 32 */

/*
 * v_seen (LRU hash): what a modelling namespace has already reported. A recording profile (complain, not an allow-list)
 * reports each distinct behaviour once — an open of the same file with the same permissions, an exec of the same file
 * (by superblock, inode number and generation), a capability, a socket kind — so repeated accesses cost no events and
 * cannot crowd new behaviour out of the ring buffer. A key is stored only after its event was sent.
 */
struct va_seen_key {
	__u32 ns;
	__u32 type; /* VA_T_* */
	__u32 perms;
	__u32 op;
	__u64 a, b, c; /* file: superblock, inode number, generation; capability: cap; socket: domain, type, protocol */
}; /* 40 */

/* per-CPU counters (v_stats[0]) */
struct va_stats {
	__u64 events;
	__u64 ringbuf_drops;
	__u64 rate_drops;
	__u64 denials;
	__u64 unresolved;
	__u64 reserved[3];
}; /* 64 */

/* Events: header + body */
#define VA_A_DENIED 1
#define VA_A_AUDIT 2
#define VA_A_ALLOWED 4

#define VA_T_CAP 0x1
#define VA_T_FILE 0x2
#define VA_T_BPRM 0x4
#define VA_T_NET 0x8
#define VA_T_PTRACE 0x10
#define VA_T_MOUNT 0x20
#define VA_T_USERNS 0x40

/* file operations (path body .op) */
#define VA_OP_OPEN 1
#define VA_OP_EXEC 2
#define VA_OP_LINK 3
#define VA_OP_RENAME 4
#define VA_OP_SYMLINK 5
#define VA_OP_MKNOD 6
#define VA_OP_UNLINK 7
#define VA_OP_MKDIR 8
#define VA_OP_RMDIR 9
#define VA_OP_TRUNCATE 10
#define VA_OP_MMAP 11
#define VA_OP_MPROTECT 12
#define VA_OP_MOUNT 13
#define VA_OP_MOVE_MOUNT 14
#define VA_OP_UMOUNT 15

struct va_ev_hdr {
	__u32 action;
	__u32 type;
	__u32 mnt_ns;
	__u32 tgid;
	__u64 ktime;
	__u32 profile;
	__u32 rule; /* rule index + 1, 0 = none */
	__u32 tid;
	__u32 uid;
	char comm[16];
}; /* 56 */

struct va_ev_path {
	__u32 perms; /* AppArmor bits */
	__u32 op;
	__u64 mflags;
	char fstype[16];
	__u32 len;
	__u32 flags; /* bit0: path truncated/unresolved */
	char path[VA_PATH_MAX];
}; /* 40 + 4096 */

struct va_ev_net {
	__u32 op; /* 1 connect, 2 socket, 3 sendmsg */
	__u32 domain;
	__u32 type;
	__u32 protocol;
	__u16 family;
	__u16 port;
	__u8 addr[16];
	__u32 pad;
}; /* 40 */

struct va_ev_cap {
	__u32 cap;
	__u32 opts;
};

struct va_ev_ptrace {
	__u32 perm; /* AppArmor bits: trace 0x2, read 0x4, traceby 0x8, readby 0x10 */
	__u32 external;
	__u32 peer_tgid;
	__u32 pad;
};

struct va_event {
	struct va_ev_hdr h;
	union {
		struct va_ev_path path;
		struct va_ev_net net;
		struct va_ev_cap cap;
		struct va_ev_ptrace ptrace;
	};
};

#define VA_SCRATCH_PATH 8192
struct va_scratch {
	char path[VA_SCRATCH_PATH]; /* d_path output at [0, len); dentry walks end at 4096 */
	struct va_lpm_key key;
	__u32 res[4]; /* res[0] deny ref, res[1] audit ref, res[2] permissions covered by a deny slot (allow-lists); decision accumulators in memory (not registers) keep the verifier's states mergeable */
	__u64 warg[2]; /* va_walk's dentry and vfsmount (kernel pointers reach a global function as scalars this way) */
	struct {
		__u32 hdr, off, len, fpre, rpre, req, last, last_ok, clen, pad;
		__u64 h;
	} cs; /* chain_step's state (kept in the map value, not on the caller's stack) */
	struct {
		__u32 profile, nc, off, len, kfmax, pad;
		__u64 flags;
		char fs[16];
	} ms; /* mount_step's state */
	struct {
		__u64 d, vm, m, root_d, root_m, moff;
		__u32 pos;
		__s32 state;
	} ws; /* walk_step's state */
	struct va_event ev;
};

#endif
