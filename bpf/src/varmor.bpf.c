// SPDX-License-Identifier: GPL-2.0
/*
 * varmor.bpf.c: the BPF LSM enforcer.
 *
 * A task is confined when its mount namespace is a key of v_targets; the value names a profile whose rules are stored
 * once (keyed by profile id) and shared by every bound namespace. Path rules are decided on the kernel-resolved path
 * (bpf_d_path where the verifier allows it, a dentry walk elsewhere) with hash/LPM lookups whose cost does not depend
 * on the number of rules: one forward LPM lookup (exact and P** rules, inherited along the prefix chain), one reverse
 * LPM lookup (**S rules), one pair lookup (P**S), one basename lookup (P*S) and, for chain rules (P, then a whole
 * component C, then S), one hash lookup per path component. Layouts: varmor.h.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "varmor.h"

char LICENSE[] SEC("license") = "GPL";

#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define FMODE_EXEC 0x20
#define O_APPEND_ 02000
#define O_TRUNC_ 01000
#define PROT_EXEC_ 0x4
#define VM_EXEC_ 0x4
#define CAP_OPT_NOAUDIT_ 0x2
#define PTRACE_MODE_ATTACH_ 0x2
#define AF_INET_ 2
#define AF_INET6_ 10
#define SOCK_STREAM_ 1
#define SOCK_DGRAM_ 2
#define MSG_FASTOPEN_ 0x20000000
#define MS_REMOUNT_ 32
#define MS_BIND_ 4096
#define MS_MOVE_ 8192
#define MS_NOT_NEW_ (MS_BIND_ | MS_REMOUNT_ | MS_MOVE_ | (1 << 17) | (1 << 18) | (1 << 19) | (1 << 20))
#define S_IFMT_ 00170000
#define S_IFDIR_ 0040000
#define AA_EXEC 0x1
#define AA_WRITE 0x2
#define AA_READ 0x4
#define AA_APPEND 0x8
#define AA_RENAME 0x80
#define AA_LINK 0x40000
#define AA_UMOUNT 0x200
#define WANT_ANC 0x100
#define HDR(profile, kind) (((profile) << 8) | ((kind) & 0xff))
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* 6.1's mount namespace has a sequence number, 0 for anonymous (detached) namespaces; newer kernels renamed it */
struct mnt_namespace___v61 {
	__u64 seq;
} __attribute__((preserve_access_index));

/* ---------------------------------------------------------------- maps (sizes are defaults; Java may resize) */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct va_target);
} v_targets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct va_profile);
} v_profiles SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 262144);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct va_lpm_key);
	__type(value, struct va_fnode);
} v_fwd SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 262144);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct va_lpm_key);
	__type(value, struct va_rnode);
} v_rev SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 262144);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct va_pair_key);
	__type(value, struct va_dec);
} v_pair SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct va_chain_key);
	__type(value, struct va_chain);
} v_chain SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct va_sock_key);
	__type(value, __u32);
} v_sock SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct va_egress_key);
	__type(value, struct va_ports);
} v_egress SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct va_mclass_key);
	__type(value, struct va_mclass);
} v_mclass SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct va_config);
} v_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct va_stats);
} v_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct va_scratch);
} v_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct va_seen_key);
	__type(value, __u8);
} v_seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} v_events SEC(".maps");

/* ---------------------------------------------------------------- helpers */

/* v clamped to [0, max] (a literal) on the register the verifier checks: clang cannot re-derive it around asm */
#define XSTR(x) #x
#define BOUNDED(v, max)                                                                                                \
	({                                                                                                             \
		__u64 __x = (v);                                                                                       \
		asm volatile("if %0 <= " XSTR(max) " goto +1\n\t%0 = " XSTR(max) : "+r"(__x));                       \
		(__u32) __x;                                                                                           \
	})

static __always_inline struct va_scratch *scratch(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&v_scratch, &zero);
}

static __always_inline struct va_stats *stats(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&v_stats, &zero);
}

static __always_inline __u32 task_mntns(struct task_struct *t)
{
	struct nsproxy *np = t->nsproxy;
	if (!np)
		return 0;
	return np->mnt_ns->ns.inum;
}

static __always_inline struct va_target *cur_target(__u32 *ns)
{
	*ns = task_mntns(bpf_get_current_task_btf());
	if (!*ns)
		return 0;
	return bpf_map_lookup_elem(&v_targets, ns);
}

static __always_inline __u32 kflags(struct va_profile *p, __u32 kind)
{
	return (p->kind_flags >> (kind * 8)) & 0xff;
}

/* keeps the first deny (preferring one that audits) and the first audit-only rule */
static __always_inline void take(__u32 *deny, __u32 *audit, __u32 d, __u32 a)
{
	if (d && (!*deny || (!(*deny & VA_RULE_AUDIT) && (d & VA_RULE_AUDIT))))
		*deny = d;
	if (a && !*audit)
		*audit = a;
}

/* res: [0] deny ref, [1] audit ref, [2] permissions a deny slot covers (what an allow-list entry allows) */
static __always_inline void pick(__u32 *res, const struct va_dec *d, __u32 req, __u32 len)
{
#pragma unroll
	for (int i = 0; i < VA_NPERM; i++) {
		if (!(req & (1u << i)))
			continue;
		__u32 dr = d->p[i].deny, ar = d->p[i].audit;
		if (dr && len >= d->p[i].deny_need) {
			take(&res[0], &res[1], dr, 0);
			res[2] |= 1u << i;
		}
		if (ar && len >= d->p[i].audit_need)
			take(&res[0], &res[1], 0, ar);
	}
}

/* what an allow-list must cover: link, rename and symlink need write on both names; opens need what they request */
static __always_inline __u32 allow_need(__u32 req)
{
	return (req & VA_P_LINK) ? VA_P_WRITE : (req & (VA_P_READ | VA_P_WRITE | VA_P_APPEND | VA_P_EXEC));
}

/* ---------------------------------------------------------------- path matching */

/* one character of the component scan for chain rules; state in scratch->cs */
static long chain_step(__u32 i, void *unused)
{
	struct va_scratch *s = scratch();
	if (!s)
		return 1;
	__u8 ch = s->path[(s->cs.off + i) & (VA_SCRATCH_PATH - 1)];
	if (ch != '/') {
		s->cs.h = (s->cs.h ^ ch) * FNV_PRIME;
		s->cs.clen++;
		return 0;
	}
	if (s->cs.last_ok && s->cs.clen) {
		struct va_chain_key k = { .hdr = s->cs.hdr, .len = s->cs.clen, .hash = s->cs.h };
		struct va_chain *v = bpf_map_lookup_elem(&v_chain, &k);
		if (v) {
			__u32 fpre = s->cs.fpre, rpre = s->cs.rpre, last = s->cs.last, len = s->cs.len;
#pragma unroll
			for (int j = 0; j < VA_CHAIN_VARS; j++) {
				struct va_chain_var *w = &v->v[j];
				if (!w->used)
					break;
				if (fpre < w->p_lo || fpre > w->p_hi || rpre < w->s_lo || rpre > w->s_hi)
					continue;
				if (last < w->need_p || i + 1 + w->need_s > len)
					continue;
				pick(s->res, &w->d, s->cs.req, len);
			}
		}
	}
	s->cs.last = i;
	s->cs.last_ok = 1;
	s->cs.h = FNV_OFFSET;
	s->cs.clen = 0;
	return 0;
}

/* scans backwards for the last '/' (the basename starts after it); state in scratch->cs (off, len, last) */
static long base_step(__u32 i, void *unused)
{
	struct va_scratch *s = scratch();
	if (!s || i >= s->cs.len)
		return 1;
	if (s->path[(s->cs.off + s->cs.len - 1 - i) & (VA_SCRATCH_PATH - 1)] == '/') {
		s->cs.last = s->cs.len - i;
		return 1;
	}
	return 0;
}

/*
 * Matches the path at scratch->path[off, off + len) against the tries of hdr = profile << 8 | kind.
 * req: VA_P_* bits (| WANT_ANC); kf: VA_KF_* | bytes-to-reverse << 16.
 * Returns deny ref | audit ref << 16.
 */
__noinline int va_match(__u32 hdr, __u32 off, __u32 len, __u32 req, __u32 kf)
{
	struct va_scratch *s = scratch();
	__u32 fpre = 0, rpre = 0;

	if (!s || !len || len > VA_PATH_MAX + 1 || off > VA_PATH_MAX)
		return 0;
	s->res[0] = 0;
	s->res[1] = 0;
	s->res[2] = 0;
	__u32 n = BOUNDED(len, 252);
	struct va_lpm_key *k = &s->key;

	k->hdr = hdr;
	k->prefixlen = 32 + n * 8;
	bpf_probe_read_kernel(k->data, n, &s->path[off & (VA_PATH_MAX - 1)]);
	struct va_fnode *f = bpf_map_lookup_elem(&v_fwd, k);
	if (f) {
		fpre = f->pre;
		pick(s->res, &f->pfx, req, len);
		if (f->len == len) {
			pick(s->res, &f->exact, req, len);
			if (req & WANT_ANC)
				take(&s->res[0], &s->res[1], f->anc_deny, f->anc_audit);
		}
	}
	__u32 ppre = 0, prpre = 0;
	if (kf & VA_KF_PAIR) {
		k->hdr = hdr | VA_K_PAIRED; /* same path bytes, the trie of P**S prefixes */
		struct va_fnode *pf = bpf_map_lookup_elem(&v_fwd, k);
		if (pf)
			ppre = pf->pre;
	}
	if (kf & (VA_KF_REV | VA_KF_PAIR | VA_KF_BASE | VA_KF_CHAIN)) {
		__u32 m = BOUNDED(kf >> 16, 252);
		if (m > n)
			m = n;
		for (__u32 i = 0; i < VA_KEY_PATH; i++) {
			if (i >= m)
				break;
			k->data[i] = s->path[(off + len - 1 - i) & (VA_SCRATCH_PATH - 1)];
		}
		k->hdr = hdr;
		k->prefixlen = 32 + m * 8;
		struct va_rnode *r = bpf_map_lookup_elem(&v_rev, k);
		if (r) {
			rpre = r->pre;
			pick(s->res, &r->sfx, req, len);
		}
		if (kf & (VA_KF_PAIR | VA_KF_BASE)) {
			k->hdr = hdr | VA_K_PAIRED;
			struct va_rnode *pr = bpf_map_lookup_elem(&v_rev, k);
			if (pr)
				prpre = pr->pre;
		}
	}
	if ((kf & VA_KF_PAIR) && ppre && prpre) {
		struct va_pair_key pk = { .hdr = hdr, .fpre = ppre, .rpre = prpre };
		struct va_dec *d = bpf_map_lookup_elem(&v_pair, &pk);
		if (d)
			pick(s->res, d, req, len);
	}
	if (kf & VA_KF_BASE) {
		s->cs.off = off;
		s->cs.len = len;
		s->cs.last = 0;
		bpf_loop(len < 256 ? len : 256, base_step, 0, 0);
		__u32 b = s->cs.last, bl = len - b;
		if (bl && bl < 256) {
			__u32 nb = BOUNDED(bl, 252);
			k->hdr = hdr | VA_K_BASENAME;
			k->prefixlen = 32 + nb * 8;
			bpf_probe_read_kernel(k->data, nb, &s->path[(off + b) & (VA_PATH_MAX - 1)]);
			struct va_fnode *bn = bpf_map_lookup_elem(&v_fwd, k);
			if (bn) {
				struct va_pair_key pk = { .hdr = hdr | VA_K_BASENAME, .fpre = bn->pre, .rpre = prpre };
				struct va_dec *d = bpf_map_lookup_elem(&v_pair, &pk);
				if (d)
					pick(s->res, d, req, bl);
				pk.rpre = 0;
				d = bpf_map_lookup_elem(&v_pair, &pk);
				if (d)
					pick(s->res, d, req, bl);
			}
		}
	}
	if (kf & VA_KF_CHAIN) {
		s->cs.hdr = hdr;
		s->cs.off = off;
		s->cs.len = len;
		s->cs.fpre = fpre;
		s->cs.rpre = rpre;
		s->cs.req = req;
		s->cs.last = 0;
		s->cs.last_ok = 0;
		s->cs.clen = 0;
		s->cs.h = FNV_OFFSET;
		bpf_loop(len, chain_step, 0, 0);
	}
	return (int)((s->res[0] & 0xffff) | (s->res[1] << 16));
}

/* one step of the dentry walk: a path component, or a crossing to the parent mount; state in scratch->ws */
static long walk_step(__u32 i, void *unused)
{
	struct va_scratch *s = scratch();
	if (!s)
		return 1;
	struct dentry *d = (struct dentry *)s->ws.d;
	struct vfsmount *vm = (struct vfsmount *)s->ws.vm;
	if (s->ws.d == s->ws.root_d && s->ws.vm == s->ws.root_m) {
		s->ws.state = 1;
		return 1;
	}
	if (d == BPF_CORE_READ(vm, mnt_root)) {
		struct mount *m = (struct mount *)s->ws.m;
		struct mount *parent = BPF_CORE_READ(m, mnt_parent);
		if (parent == m || !parent) {
			s->ws.state = 1;
			return 1;
		}
		s->ws.d = (__u64)BPF_CORE_READ(m, mnt_mountpoint);
		s->ws.m = (__u64)parent;
		s->ws.vm = (__u64)parent + s->ws.moff;
		return 0;
	}
	struct dentry *pd = BPF_CORE_READ(d, d_parent);
	if (pd == d || !pd) {
		s->ws.state = 1;
		return 1;
	}
	__u32 nl = BPF_CORE_READ(d, d_name.len);
	const unsigned char *nm = BPF_CORE_READ(d, d_name.name);
	__u32 pos = s->ws.pos;
	if (nl > 255 || pos < nl + 258 || pos > VA_PATH_MAX) {
		s->ws.state = -2;
		return 1;
	}
	pos -= nl;
	if (nl)
		bpf_probe_read_kernel(&s->path[pos & (VA_PATH_MAX - 1)], nl & 255, nm);
	pos -= 1;
	s->path[pos & (VA_PATH_MAX - 1)] = '/';
	s->ws.pos = pos;
	s->ws.d = (__u64)pd;
	return 0;
}

/*
 * Builds the path of (dentry, vfsmount) = scratch->warg relative to the current task's root, ending at
 * scratch->path[4096). Returns its length, or a negative value when the path is too deep or too long to resolve.
 */
__noinline int va_walk(void)
{
	struct va_scratch *s = scratch();
	if (!s)
		return -1;
	__u64 dentry_p = s->warg[0], mnt_p = s->warg[1];
	if (!dentry_p || !mnt_p)
		return -1;
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 moff = bpf_core_field_offset(struct mount, mnt);
	s->ws.d = dentry_p;
	s->ws.vm = mnt_p;
	s->ws.m = mnt_p - moff;
	s->ws.root_d = (__u64)BPF_CORE_READ(task, fs, root.dentry);
	s->ws.root_m = (__u64)BPF_CORE_READ(task, fs, root.mnt);
	s->ws.moff = moff;
	s->ws.pos = VA_PATH_MAX;
	s->ws.state = 0;
	bpf_loop(VA_WALK_DEPTH, walk_step, 0, 0);
	int state = s->ws.state;
	if (state <= 0)
		return state < 0 ? state : -3;
	__u32 pos = s->ws.pos;
	if (pos == VA_PATH_MAX) {
		pos--;
		s->path[pos & (VA_PATH_MAX - 1)] = '/';
	}
	if (pos > VA_PATH_MAX)
		return -1;
	return VA_PATH_MAX - pos;
}

/* ---------------------------------------------------------------- verdicts and events */

/* 0 allow / -EPERM; *action: the event to emit (0 = none) */
static __always_inline int verdict(struct va_profile *p, __u32 res, __u32 *action, __u32 *rule)
{
	__u32 deny = res & 0xffff, audit = res >> 16;

	*rule = 0;
	*action = 0;
	if (p->mode == VA_COMPLAIN) {
		if (p->allow && !res)
			return 0; /* an allow-list observes only what it would refuse */
		*action = VA_A_ALLOWED;
		*rule = (deny ? deny : audit) & VA_RULE_MASK;
		return 0;
	}
	if (deny) {
		struct va_stats *st = stats();
		if (st)
			st->denials++;
		*rule = deny & VA_RULE_MASK;
		if (deny & VA_RULE_AUDIT)
			*action = VA_A_DENIED;
		return -VA_EPERM;
	}
	if (audit) {
		*rule = audit & VA_RULE_MASK;
		*action = VA_A_AUDIT;
	}
	return 0;
}

/* a modelling profile (complain mode, not an allow-list): its events are the model */
static __always_inline int recording(struct va_profile *p)
{
	return p->mode == VA_COMPLAIN && !p->allow;
}

/* a modelling target's events are not rate limited */
static __always_inline int recording_target(struct va_target *t)
{
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);
	return p && recording(p);
}

static __always_inline struct va_event *ev_start(struct va_scratch *s, struct va_target *t, __u32 ns, __u32 action,
						 __u32 type, __u32 rule)
{
	__u32 zero = 0;
	struct va_config *cfg = bpf_map_lookup_elem(&v_config, &zero);
	__u64 now = bpf_ktime_get_ns();

	if (cfg && cfg->rate_per_sec && !recording_target(t)) {
		if (now - t->win_start >= 1000000000ULL) {
			t->win_start = now;
			t->win_count = 0;
		}
		__sync_fetch_and_add(&t->win_count, 1);
		if (t->win_count > cfg->rate_per_sec) {
			struct va_stats *st = stats();
			if (st)
				st->rate_drops++;
			return 0;
		}
	}
	struct va_event *e = &s->ev;
	__u64 pt = bpf_get_current_pid_tgid();
	e->h.action = action;
	e->h.type = type;
	e->h.mnt_ns = ns;
	e->h.tgid = pt >> 32;
	e->h.tid = (__u32)pt;
	e->h.ktime = now;
	e->h.profile = t->profile;
	e->h.rule = rule;
	e->h.uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->h.comm, sizeof(e->h.comm));
	return e;
}

/* 0 when the event is in the ring buffer */
static __always_inline int ev_send(struct va_event *e, __u64 size)
{
	struct va_stats *st = stats();
	if (size > sizeof(*e))
		size = sizeof(*e);
	if (bpf_ringbuf_output(&v_events, e, size, 0)) {
		if (st)
			st->ringbuf_drops++;
		return -1;
	}
	if (st)
		st->events++;
	return 0;
}

/* whether a recording profile's event k was reported before (then it is not sent again) */
static __always_inline int seen(struct va_profile *p, __u32 action, struct va_seen_key *k)
{
	return k && action == VA_A_ALLOWED && recording(p) && bpf_map_lookup_elem(&v_seen, k);
}

/* remembers a recording profile's event k once it was sent */
static __always_inline void mark_seen(struct va_profile *p, __u32 action, struct va_seen_key *k)
{
	__u8 one = 1;
	if (k && action == VA_A_ALLOWED && recording(p))
		bpf_map_update_elem(&v_seen, k, &one, BPF_ANY);
}

/* the identity of a file for v_seen: superblock, inode number, generation */
static __always_inline void file_key(struct va_seen_key *k, __u32 ns, __u32 type, __u32 perms, __u32 op, struct file *f)
{
	struct inode *in = f->f_inode;
	k->ns = ns;
	k->type = type;
	k->perms = perms;
	k->op = op;
	k->a = (__u64)BPF_CORE_READ(in, i_sb);
	k->b = BPF_CORE_READ(in, i_ino);
	k->c = BPF_CORE_READ(in, i_generation);
}

static __always_inline int emit_path(struct va_scratch *s, struct va_target *t, __u32 ns, __u32 action, __u32 type,
				     __u32 rule, __u32 aa, __u32 op, __u32 off, int len, __u64 mflags, const char *fstype)
{
	struct va_event *e = ev_start(s, t, ns, action, type, rule);
	if (!e)
		return -1;
	__u32 l = BOUNDED(len > 0 ? (__u32)len : 0, 4095);
	e->path.perms = aa;
	e->path.op = op;
	e->path.mflags = mflags;
	e->path.flags = len > 0 ? 0 : 1;
	__builtin_memset(e->path.fstype, 0, sizeof(e->path.fstype));
	if (fstype)
		bpf_probe_read_kernel(e->path.fstype, sizeof(e->path.fstype), fstype);
	e->path.len = l;
	if (l)
		bpf_probe_read_kernel(e->path.path, l, &s->path[off & (VA_PATH_MAX - 1)]);
	return ev_send(e, sizeof(e->h) + offsetof(struct va_ev_path, path) + l);
}

/* dk: the access's v_seen key (0: always report) */
static __always_inline int path_decide(struct va_scratch *s, struct va_target *t, __u32 ns, struct va_profile *p,
				       __u32 kind, __u32 kf, __u32 off, int len, __u32 req, __u32 aa, __u32 op,
				       __u32 type, struct va_seen_key *dk)
{
	__u32 res = 0, action, rule;
	__u32 al = kind == VA_K_FILE && (p->allow & VA_AL_FILE);

	if (len <= 0) {
		struct va_stats *st = stats();
		if (st)
			st->unresolved++;
		if (al)
			res = p->allow_ref;
		else if (kf)
			res = p->path_guard;
	} else if (kf) {
		res = va_match(HDR(t->profile, kind), off, len, req, kf | (p->max_sfx << 16));
		if (al)
			res = (allow_need(req) & ~s->res[2]) ? p->allow_ref : 0;
	} else if (al) {
		res = p->allow_ref;
	}
	int rc = verdict(p, res, &action, &rule);
	if (action && !seen(p, action, dk) && !emit_path(s, t, ns, action, type, rule, aa, op, off, len, 0, 0))
		mark_seen(p, action, dk);
	return rc;
}

/* path of (dentry, mnt) by dentry walk, then path_decide; dir_anc: also check "path/" and directory ancestors */
static __always_inline int walk(struct va_scratch *s, void *dentry, void *mnt)
{
	s->warg[0] = (__u64)dentry;
	s->warg[1] = (__u64)mnt;
	return va_walk();
}

static __always_inline int walk_decide(struct va_scratch *s, struct va_target *t, __u32 ns, struct va_profile *p,
				       struct dentry *d, struct vfsmount *mnt, __u32 req, __u32 aa, __u32 op, int dir_anc)
{
	__u32 kf = kflags(p, VA_K_FILE);
	int len = walk(s, d, mnt);
	__u32 off = VA_PATH_MAX - (len > 0 ? len : 0);
	if (len > 0 && dir_anc) {
		umode_t mode = BPF_CORE_READ(d, d_inode, i_mode);
		if ((mode & S_IFMT_) == S_IFDIR_ && len < VA_PATH_MAX - 1) {
			s->path[VA_PATH_MAX] = '/'; /* "dir/": rules for what is below it, and its ancestor marks */
			len++;
			req |= WANT_ANC;
		}
	}
	return path_decide(s, t, ns, p, VA_K_FILE, kf, off, len, req, aa, op, VA_T_FILE, 0);
}

/* common prologue of the file hooks: the target, its profile and the scratch area, or 0 when not confined */
#define CONFINED(need_kind)                                                                                            \
	__u32 ns;                                                                                                      \
	struct va_target *t = cur_target(&ns);                                                                         \
	if (!t)                                                                                                        \
		return 0;                                                                                              \
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);                                          \
	if (!p)                                                                                                        \
		return 0;                                                                                              \
	if (!kflags(p, need_kind) && p->mode != VA_COMPLAIN && !(p->allow & VA_AL_FILE))                               \
		return 0;                                                                                              \
	struct va_scratch *s = scratch();                                                                              \
	if (!s)                                                                                                        \
		return 0;

/* ---------------------------------------------------------------- file hooks */

SEC("lsm/file_open")
int BPF_PROG(va_file_open, struct file *file, int ret)
{
	if (ret)
		return ret;
	CONFINED(VA_K_FILE)
	__u32 fmode = file->f_mode, fl = file->f_flags, req = 0, aa = 0;
	if ((fmode & FMODE_EXEC) || (fl & FMODE_EXEC)) /* __FMODE_EXEC travels in f_flags */
		return 0; /* the kernel opening a binary for execve: bprm_check_security decides */
	if (fmode & FMODE_READ) {
		req |= VA_P_READ;
		aa |= AA_READ;
	}
	if (fmode & FMODE_WRITE) {
		req |= (fl & O_APPEND_) ? VA_P_APPEND : VA_P_WRITE;
		aa |= (fl & O_APPEND_) ? AA_APPEND : AA_WRITE;
	}
	if (fl & O_TRUNC_) {
		req |= VA_P_WRITE;
		aa |= AA_WRITE;
	}
	if (!req)
		return 0;
	struct va_seen_key k;
	file_key(&k, ns, VA_T_FILE, aa, VA_OP_OPEN, file);
	if (seen(p, VA_A_ALLOWED, &k))
		return 0; /* recording, and reported before: skip the path lookup too */
	long n = bpf_d_path((struct path *)&file->f_path, s->path, VA_PATH_MAX);
	int len = n > 1 ? (int)n - 1 : -1;
	return path_decide(s, t, ns, p, VA_K_FILE, kflags(p, VA_K_FILE), 0, len, req, aa, VA_OP_OPEN, VA_T_FILE, &k);
}

SEC("lsm/path_link")
int BPF_PROG(va_path_link, struct dentry *old_dentry, const struct path *new_dir, struct dentry *new_dentry, int ret)
{
	if (ret)
		return ret;
	CONFINED(VA_K_FILE)
	struct vfsmount *mnt = new_dir->mnt;
	/* the link target: any rule on it (a new name would bypass it) */
	int rc = walk_decide(s, t, ns, p, old_dentry, mnt, VA_P_READ | VA_P_WRITE | VA_P_APPEND | VA_P_LINK, AA_LINK,
			     VA_OP_LINK, 0);
	if (rc)
		return rc;
	/* the new name: write/link rules */
	return walk_decide(s, t, ns, p, new_dentry, mnt, VA_P_WRITE | VA_P_APPEND | VA_P_LINK, AA_LINK | AA_WRITE,
			   VA_OP_LINK, 0);
}

SEC("lsm/path_rename")
int BPF_PROG(va_path_rename, const struct path *old_dir, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry)
{
	CONFINED(VA_K_FILE)
	int rc = walk_decide(s, t, ns, p, old_dentry, old_dir->mnt, VA_P_READ | VA_P_WRITE | VA_P_APPEND | VA_P_LINK,
			     AA_RENAME, VA_OP_RENAME, 1);
	if (rc)
		return rc;
	return walk_decide(s, t, ns, p, new_dentry, new_dir->mnt, VA_P_WRITE | VA_P_APPEND | VA_P_LINK,
			   AA_RENAME | AA_WRITE, VA_OP_RENAME, 1);
}

SEC("lsm/path_symlink")
int BPF_PROG(va_path_symlink, const struct path *dir, struct dentry *dentry, const char *old_name, int ret)
{
	if (ret)
		return ret;
	CONFINED(VA_K_FILE)
	return walk_decide(s, t, ns, p, dentry, dir->mnt, VA_P_WRITE | VA_P_LINK, AA_LINK | AA_WRITE, VA_OP_SYMLINK, 0);
}

SEC("lsm/path_mknod")
int BPF_PROG(va_path_mknod, const struct path *dir, struct dentry *dentry, umode_t mode, unsigned int dev, int ret)
{
	if (ret)
		return ret;
	CONFINED(VA_K_FILE)
	return walk_decide(s, t, ns, p, dentry, dir->mnt, VA_P_WRITE, AA_WRITE, VA_OP_MKNOD, 0);
}

SEC("lsm/path_mkdir")
int BPF_PROG(va_path_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode, int ret)
{
	if (ret)
		return ret;
	CONFINED(VA_K_FILE)
	return walk_decide(s, t, ns, p, dentry, dir->mnt, VA_P_WRITE, AA_WRITE, VA_OP_MKDIR, 0);
}

SEC("lsm/path_unlink")
int BPF_PROG(va_path_unlink, const struct path *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	CONFINED(VA_K_FILE)
	return walk_decide(s, t, ns, p, dentry, dir->mnt, VA_P_WRITE, AA_WRITE, VA_OP_UNLINK, 0);
}

SEC("lsm/path_rmdir")
int BPF_PROG(va_path_rmdir, const struct path *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	CONFINED(VA_K_FILE)
	return walk_decide(s, t, ns, p, dentry, dir->mnt, VA_P_WRITE, AA_WRITE, VA_OP_RMDIR, 1);
}

SEC("lsm/path_truncate")
int BPF_PROG(va_path_truncate, const struct path *path, int ret)
{
	if (ret)
		return ret;
	CONFINED(VA_K_FILE)
	return walk_decide(s, t, ns, p, path->dentry, path->mnt, VA_P_WRITE, AA_WRITE, VA_OP_TRUNCATE, 0);
}

/* ---------------------------------------------------------------- exec hooks */

static __always_inline int exec_decide(struct va_scratch *s, struct va_target *t, __u32 ns, struct va_profile *p,
				       struct linux_binprm *bprm)
{
	__u32 kf = kflags(p, VA_K_EXEC), mx = kf | (p->max_sfx << 16), action, rule;
	__u32 by_name = 0, res = 0, al = p->allow & VA_AL_EXEC;
	struct file *f = bprm->file;
	struct dentry *d = f->f_path.dentry;

	/* the name it was invoked by (vArmor semantics: a /bin/sh symlink to busybox is caught by disable-shell) */
	if (kf && !al) {
		long n = bpf_probe_read_kernel_str(s->path, VA_PATH_MAX, bprm->filename);
		if (n > 1) {
			by_name = va_match(HDR(t->profile, VA_K_EXEC), 0, n - 1, VA_P_EXEC, mx);
			if (by_name & 0xffff) {
				int rc = verdict(p, by_name, &action, &rule);
				if (action)
					emit_path(s, t, ns, action, VA_T_BPRM, rule, AA_EXEC, VA_OP_EXEC, 0, n - 1, 0, 0);
				return rc;
			}
		}
	}
	/* the kernel-resolved file */
	long n = bpf_d_path((struct path *)&f->f_path, s->path, VA_PATH_MAX);
	int len = n > 1 ? (int)n - 1 : -1;
	if (p->exec_unlinked && (!BPF_CORE_READ(d, d_hash.pprev) || !BPF_CORE_READ(d, d_inode, __i_nlink)))
		res = p->exec_unlinked; /* memfd, O_TMPFILE or deleted: no name a rule could match */
	else if (len <= 0)
		res = al ? p->allow_ref : (kf ? p->path_guard : 0);
	else if (kf) {
		res = va_match(HDR(t->profile, VA_K_EXEC), 0, len, VA_P_EXEC, mx);
		if (al) /* allow-lists decide on the kernel-resolved file only */
			res = (s->res[2] & VA_P_EXEC) ? 0 : p->allow_ref;
	} else if (al)
		res = p->allow_ref;
	if (!(res >> 16))
		res |= by_name & 0xffff0000;
	int rc = verdict(p, res, &action, &rule);
	struct va_seen_key k;
	file_key(&k, ns, VA_T_BPRM, AA_EXEC, VA_OP_EXEC, f);
	if (action && !seen(p, action, &k) && !emit_path(s, t, ns, action, VA_T_BPRM, rule, AA_EXEC, VA_OP_EXEC, 0, len, 0, 0))
		mark_seen(p, action, &k);
	return rc;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(va_bprm_check, struct linux_binprm *bprm, int ret)
{
	if (ret)
		return ret;
	__u32 ns;
	struct va_target *t = cur_target(&ns);
	if (!t)
		return 0;
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);
	if (!p)
		return 0;
	if (!kflags(p, VA_K_EXEC) && !p->exec_unlinked && p->mode != VA_COMPLAIN && !(p->allow & VA_AL_EXEC))
		return 0;
	struct va_scratch *s = scratch();
	if (!s)
		return 0;
	return exec_decide(s, t, ns, p, bprm);
}

/* executable mappings: running a binary through the dynamic loader (ld.so BINARY) maps it without execve */
SEC("lsm/mmap_file")
int BPF_PROG(va_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot, unsigned long flags, int ret)
{
	if (ret)
		return ret;
	if (!file || !(prot & PROT_EXEC_))
		return 0;
	__u32 ns;
	struct va_target *t = cur_target(&ns);
	if (!t)
		return 0;
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);
	if (!p)
		return 0;
	__u32 kf = kflags(p, VA_K_EXEC);
	if (!kf || (p->allow & VA_AL_EXEC)) /* allow-lists: libraries are gated by the file allow-list */
		return 0;
	struct va_scratch *s = scratch();
	if (!s)
		return 0;
	long n = bpf_d_path((struct path *)&file->f_path, s->path, VA_PATH_MAX);
	int len = n > 1 ? (int)n - 1 : -1;
	return path_decide(s, t, ns, p, VA_K_EXEC, kf, 0, len, VA_P_EXEC, AA_EXEC, VA_OP_MMAP, VA_T_BPRM, 0);
}

SEC("lsm/file_mprotect")
int BPF_PROG(va_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot, unsigned long prot, int ret)
{
	if (ret)
		return ret;
	if (!(prot & PROT_EXEC_) || (vma->vm_flags & VM_EXEC_))
		return 0;
	struct file *file = vma->vm_file;
	if (!file)
		return 0;
	__u32 ns;
	struct va_target *t = cur_target(&ns);
	if (!t)
		return 0;
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);
	if (!p)
		return 0;
	__u32 kf = kflags(p, VA_K_EXEC);
	if (!kf || (p->allow & VA_AL_EXEC)) /* allow-lists: libraries are gated by the file allow-list */
		return 0;
	struct va_scratch *s = scratch();
	if (!s)
		return 0;
	int len = walk(s, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt));
	return path_decide(s, t, ns, p, VA_K_EXEC, kf, VA_PATH_MAX - (len > 0 ? len : 0), len, VA_P_EXEC, AA_EXEC,
			   VA_OP_MPROTECT, VA_T_BPRM, 0);
}

/* ---------------------------------------------------------------- capabilities, user namespaces, ptrace */

SEC("lsm/capable")
int BPF_PROG(va_capable, const struct cred *cred, struct user_namespace *uns, int cap, unsigned int opts, int ret)
{
	if (ret)
		return ret;
	if (cap < 0 || cap >= 64)
		return 0;
	__u32 ns;
	struct va_target *t = cur_target(&ns);
	if (!t)
		return 0;
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);
	if (!p)
		return 0;
	__u64 bit = 1ULL << cap;
	if (!((p->cap_deny | p->cap_audit) & bit) && p->mode != VA_COMPLAIN)
		return 0;
	/* borrowed credentials (overlayfs copy-up, ...) are the kernel acting for the mounter, not the task */
	struct task_struct *task = bpf_get_current_task_btf();
	if ((void *)cred != (void *)task->real_cred)
		return 0;
	__u32 ref = p->cap_rule[cap & 63], action, rule;
	__u32 res = (p->cap_deny & bit) ? ref : ((p->cap_audit & bit) ? ref << 16 : 0);
	int rc = verdict(p, res, &action, &rule);
	struct va_seen_key k = {.ns = ns, .type = VA_T_CAP, .a = cap};
	if (action && !(opts & CAP_OPT_NOAUDIT_) && !seen(p, action, &k)) {
		struct va_scratch *s = scratch();
		if (s) {
			struct va_event *e = ev_start(s, t, ns, action, VA_T_CAP, rule);
			if (e) {
				e->cap.cap = cap;
				e->cap.opts = opts;
				if (!ev_send(e, sizeof(e->h) + sizeof(e->cap)))
					mark_seen(p, action, &k);
			}
		}
	}
	return rc;
}

SEC("lsm/userns_create")
int BPF_PROG(va_userns_create, const struct cred *cred, int ret)
{
	if (ret)
		return ret;
	__u32 ns;
	struct va_target *t = cur_target(&ns);
	if (!t)
		return 0;
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);
	if (!p || (!p->userns && p->mode != VA_COMPLAIN))
		return 0;
	__u32 action, rule;
	int rc = verdict(p, p->userns, &action, &rule);
	if (action) {
		struct va_scratch *s = scratch();
		if (s) {
			struct va_event *e = ev_start(s, t, ns, action, VA_T_USERNS, rule);
			if (e)
				ev_send(e, sizeof(e->h));
		}
	}
	return rc;
}

SEC("lsm/ptrace_access_check")
int BPF_PROG(va_ptrace_access_check, struct task_struct *child, unsigned int mode, int ret)
{
	if (ret)
		return ret;
	__u32 ns = task_mntns(bpf_get_current_task_btf()), cns = task_mntns(child);
	__u32 attach = mode & PTRACE_MODE_ATTACH_, external = ns != cns, deny = 0, audit = 0, ev_ns = ns, aa;
	struct va_target *t = ns ? bpf_map_lookup_elem(&v_targets, &ns) : 0, *et = t;
	struct va_profile *p = 0, *ep = 0;

	if (t) {
		p = bpf_map_lookup_elem(&v_profiles, &t->profile);
		if (p) {
			__u32 i = attach ? 0 : 2;
			take(&deny, &audit, p->ptrace[i] & 0xffff, p->ptrace[i] >> 16);
			if (external)
				take(&deny, &audit, p->ptrace[i + 1] & 0xffff, p->ptrace[i + 1] >> 16);
			ep = p;
		}
	}
	aa = attach ? 0x2 : 0x4;
	if (!deny && cns) {
		__u32 zero = 0;
		struct va_config *cfg = bpf_map_lookup_elem(&v_config, &zero);
		struct va_target *ct = bpf_map_lookup_elem(&v_targets, &cns);
		if (ct && (!cfg || cfg->host_mntns != ns)) {
			struct va_profile *cp = bpf_map_lookup_elem(&v_profiles, &ct->profile);
			if (cp) {
				__u32 d2 = 0, a2 = 0, i = attach ? 4 : 6;
				take(&d2, &a2, cp->ptrace[i] & 0xffff, cp->ptrace[i] >> 16);
				if (external)
					take(&d2, &a2, cp->ptrace[i + 1] & 0xffff, cp->ptrace[i + 1] >> 16);
				if (d2 || (!audit && a2) || !ep) {
					deny = d2;
					audit = a2;
					et = ct;
					ep = cp;
					ev_ns = cns;
					aa = attach ? 0x8 : 0x10;
				}
			}
		}
	}
	if (!ep || !et)
		return 0;
	__u32 action, rule;
	int rc = verdict(ep, (deny & 0xffff) | (audit << 16), &action, &rule);
	if (action) {
		struct va_scratch *s = scratch();
		if (s) {
			struct va_event *e = ev_start(s, et, ev_ns, action, VA_T_PTRACE, rule);
			if (e) {
				e->ptrace.perm = aa;
				e->ptrace.external = external;
				e->ptrace.peer_tgid = child->tgid;
				e->ptrace.pad = 0;
				ev_send(e, sizeof(e->h) + sizeof(e->ptrace));
			}
		}
	}
	return rc;
}

/* ---------------------------------------------------------------- network */

SEC("lsm/socket_create")
int BPF_PROG(va_socket_create, int family, int type, int protocol, int kern, int ret)
{
	if (ret || kern)
		return ret;
	__u32 ns;
	struct va_target *t = cur_target(&ns);
	if (!t)
		return 0;
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);
	if (!p || (!p->sock_dims && p->mode != VA_COMPLAIN && !(p->allow & VA_AL_SOCK)))
		return 0;
	struct va_scratch *s = scratch();
	if (!s)
		return 0;
	__u32 dims = p->sock_dims, implied = 0;
	s->res[2] = 0;
	s->res[3] = 0;
	int ty = type & 0xf;
	if (protocol == 0 && (family == AF_INET_ || family == AF_INET6_))
		implied = ty == SOCK_STREAM_ ? 6 : (ty == SOCK_DGRAM_ ? 17 : 0);
	if (family >= 0 && family < 256 && protocol >= 0 && protocol < 65536) {
#pragma unroll
		for (__u32 w = 0; w < 12; w++) {
			if (!(dims & (1u << w)))
				continue;
			if ((w & 8) && ((w & 4) || !implied))
				continue;
			struct va_sock_key k = {
				.profile = t->profile,
				.domain = (w & 1) ? 0 : family,
				.type = (w & 2) ? 0 : ty,
				.proto = (w & 4) ? 0 : ((w & 8) ? implied : protocol),
				.wild = w,
			};
			__u32 *v = bpf_map_lookup_elem(&v_sock, &k);
			if (v)
				take(&s->res[2], &s->res[3], *v & 0xffff, *v >> 16);
		}
	}
	__u32 action, rule, res = (s->res[2] & 0xffff) | (s->res[3] << 16);
	if (p->allow & VA_AL_SOCK)
		res = (s->res[2] & 0xffff) ? 0 : p->allow_ref;
	int rc = verdict(p, res, &action, &rule);
	struct va_seen_key k = {.ns = ns, .type = VA_T_NET, .op = 2, .a = (__u32)family, .b = (__u32)ty, .c = (__u32)protocol};
	if (action && !seen(p, action, &k)) {
		struct va_event *e = ev_start(s, t, ns, action, VA_T_NET, rule);
		if (e) {
			__builtin_memset(&e->net, 0, sizeof(e->net));
			e->net.op = 2;
			e->net.domain = family;
			e->net.type = ty;
			e->net.protocol = protocol;
			if (!ev_send(e, sizeof(e->h) + sizeof(e->net)))
				mark_seen(p, action, &k);
		}
	}
	return rc;
}

static __always_inline __u32 port_lookup(struct va_egress_key *k, __u16 port)
{
	struct va_ports *v = bpf_map_lookup_elem(&v_egress, k);
	if (!v)
		return 0;
	__u32 n = v->n;
	for (int i = 0; i < VA_PORT_RANGES; i++) {
		if (i >= n)
			break;
		if (port >= v->r[i].lo && port <= v->r[i].hi)
			return v->r[i].ref;
	}
	return 0;
}

/* branch-free comparison (a branch per byte would double the verifier's states per byte) */
static __always_inline int same_bytes(const __u8 *a, const __u8 *b, int n)
{
	__u32 diff = 0;
#pragma unroll
	for (int i = 0; i < 16; i++)
		diff |= (i < n) ? (a[i] ^ b[i]) : 0;
	return diff == 0;
}

static __always_inline int egress_decide(struct va_target *t, __u32 ns, struct va_profile *p, void *addr, int addrlen,
					 __u32 op, struct socket *sock)
{
	__u16 family = 0;
	if (!addr || addrlen < 8 || bpf_probe_read_kernel(&family, 2, addr))
		return 0;
	if (family != AF_INET_ && family != AF_INET6_)
		return 0;
	if (!(p->egress & 7) && p->mode != VA_COMPLAIN)
		return 0;
	struct va_egress_key k = {};
	__u16 port = 0;
	k.profile = t->profile;
	if (family == AF_INET_) {
		struct sockaddr_in sin = {};
		if (addrlen < (int)sizeof(sin) || bpf_probe_read_kernel(&sin, sizeof(sin), addr))
			return 0;
		port = bpf_ntohs(sin.sin_port);
		k.family = 4;
		__builtin_memcpy(k.addr, &sin.sin_addr, 4);
	} else {
		struct sockaddr_in6 sin6 = {};
		if (addrlen < 24 || bpf_probe_read_kernel(&sin6, 24, addr))
			return 0;
		port = bpf_ntohs(sin6.sin6_port);
		__u8 *a = (__u8 *)&sin6.sin6_addr;
		__u32 nz = 0;
#pragma unroll
		for (int i = 0; i < 10; i++)
			nz |= a[i];
		if (!nz && a[10] == 0xff && a[11] == 0xff) {
			k.family = 4; /* ::ffff:a.b.c.d reaches a.b.c.d */
			__builtin_memcpy(k.addr, a + 12, 4);
		} else {
			k.family = 6;
			__builtin_memcpy(k.addr, a, 16);
		}
	}
	struct va_scratch *s = scratch();
	if (!s)
		return 0;
	__u32 ref = 0;
	s->res[2] = 0;
	s->res[3] = 0;
	k.prefixlen = 64 + (k.family == 4 ? 32 : 128);
	if (p->egress & (k.family == 4 ? 1 : 2)) {
		ref = port_lookup(&k, port);
		take(&s->res[2], &s->res[3], ref & 0xffff, ref >> 16);
	}
	if (p->egress & 4) {
		int self = 0;
		if (k.family == 4 && (t->flags & 1))
			self = same_bytes(k.addr, t->pod4, 4);
		else if (k.family == 6 && (t->flags & 2))
			self = same_bytes(k.addr, t->pod6, 16);
		if (self) {
			struct va_egress_key sk = { .prefixlen = 64, .profile = t->profile, .family = 0xff };
			ref = port_lookup(&sk, port);
			take(&s->res[2], &s->res[3], ref & 0xffff, ref >> 16);
		}
	}
	__u32 action, rule;
	int rc = verdict(p, (s->res[2] & 0xffff) | (s->res[3] << 16), &action, &rule);
	if (action) {
		{
			struct va_event *e = ev_start(s, t, ns, action, VA_T_NET, rule);
			if (e) {
				__builtin_memset(&e->net, 0, sizeof(e->net));
				e->net.op = op;
				e->net.family = k.family == 4 ? AF_INET_ : AF_INET6_;
				e->net.port = port;
				__builtin_memcpy(e->net.addr, k.addr, 16);
				if (sock) {
					e->net.type = BPF_CORE_READ(sock, type);
					e->net.domain = family;
				}
				ev_send(e, sizeof(e->h) + sizeof(e->net));
			}
		}
	}
	return rc;
}

SEC("lsm/socket_connect")
int BPF_PROG(va_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	if (ret)
		return ret;
	__u32 ns;
	struct va_target *t = cur_target(&ns);
	if (!t)
		return 0;
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);
	if (!p)
		return 0;
	return egress_decide(t, ns, p, address, addrlen, 1, sock);
}

/* sendto()/sendmsg() with a destination (UDP, TCP fast open) reach it without connect() */
SEC("lsm/socket_sendmsg")
int BPF_PROG(va_socket_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	if (ret)
		return ret;
	__u32 ns;
	struct va_target *t = cur_target(&ns);
	if (!t)
		return 0;
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);
	if (!p || !(p->egress & 7))
		return 0;
	void *name = msg->msg_name;
	int namelen = msg->msg_namelen;
	if (!name || namelen < 16)
		return 0;
	if (sock->type == SOCK_STREAM_ && !(msg->msg_flags & MSG_FASTOPEN_))
		return 0;
	return egress_decide(t, ns, p, name, namelen, 3, sock);
}

/* ---------------------------------------------------------------- mounts */

static __always_inline int fs_match(const char *rule, const char *fs)
{
	if (rule[0] == '*' && rule[1] == 0)
		return 1;
	return *(const __u64 *)rule == *(const __u64 *)fs && *(const __u64 *)(rule + 8) == *(const __u64 *)(fs + 8);
}

/* one mount class: does (fstype, flags) fall in it, and does the source match its rules; state in scratch->ms */
static long mount_step(__u32 c, void *unused)
{
	struct va_scratch *s = scratch();
	if (!s || c >= s->ms.nc)
		return 1;
	struct va_mclass_key mk = { .profile = s->ms.profile, .idx = c };
	struct va_mclass *mc = bpf_map_lookup_elem(&v_mclass, &mk);
	if (!mc || !fs_match(mc->fstype, s->ms.fs))
		return 0;
	__u64 flags = s->ms.flags;
	if (mc->new_only && (flags & MS_NOT_NEW_))
		return 0;
	if ((mc->flags || mc->rflags) && !((flags & mc->flags) || (~flags & mc->rflags)))
		return 0;
	__u32 r = va_match(HDR(s->ms.profile, VA_K_MOUNT0 + c), s->ms.off, s->ms.len, VA_P_EXEC,
			   mc->kflags | (s->ms.kfmax << 16));
	take(&s->res[2], &s->res[3], r & 0xffff, r >> 16);
	return 0;
}

static __always_inline int mount_decide(struct va_scratch *s, struct va_target *t, __u32 ns, struct va_profile *p,
					__u32 off, int len, __u64 flags, char *fs, __u32 op)
{
	__u32 nc = p->mount_classes, action, rule;
	s->res[2] = 0;
	s->res[3] = 0;
	if (len > 0) {
		s->ms.profile = t->profile;
		s->ms.nc = nc;
		s->ms.off = off;
		s->ms.len = len;
		s->ms.kfmax = p->max_sfx;
		s->ms.flags = flags;
		__builtin_memcpy(s->ms.fs, fs, 16);
		bpf_loop(nc < VA_MAX_MOUNT_CLASSES ? nc : VA_MAX_MOUNT_CLASSES, mount_step, 0, 0);
	} else if (nc) {
		s->res[2] = p->path_guard & 0xffff;
		s->res[3] = p->path_guard >> 16;
	}
	int rc = verdict(p, (s->res[2] & 0xffff) | (s->res[3] << 16), &action, &rule);
	if (action)
		emit_path(s, t, ns, action, VA_T_MOUNT, rule, 0, op, off, len, flags, fs);
	return rc;
}

SEC("lsm/sb_mount")
int BPF_PROG(va_sb_mount, const char *dev_name, const struct path *path, const char *type, unsigned long flags,
	     void *data, int ret)
{
	if (ret)
		return ret;
	__u32 ns;
	struct va_target *t = cur_target(&ns);
	if (!t)
		return 0;
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);
	if (!p || (!p->mount_classes && p->mode != VA_COMPLAIN))
		return 0;
	struct va_scratch *s = scratch();
	if (!s)
		return 0;
	long n = dev_name ? bpf_probe_read_kernel_str(s->path, VA_PATH_MAX, dev_name) : 0;
	int len = n > 1 ? (int)n - 1 : 0;
	if (!len) {
		__builtin_memcpy(s->path, "none", 5);
		len = 4;
	}
	char fs[16] = {};
	if (flags & MS_NOT_NEW_)
		__builtin_memcpy(fs, "none", 4);
	else if (type)
		bpf_probe_read_kernel_str(fs, sizeof(fs), type);
	return mount_decide(s, t, ns, p, 0, len, flags, fs, VA_OP_MOUNT);
}

SEC("lsm/move_mount")
int BPF_PROG(va_move_mount, const struct path *from_path, const struct path *to_path, int ret)
{
	if (ret)
		return ret;
	__u32 ns;
	struct va_target *t = cur_target(&ns);
	if (!t)
		return 0;
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);
	if (!p || (!p->mount_classes && p->mode != VA_COMPLAIN))
		return 0;
	struct va_scratch *s = scratch();
	if (!s)
		return 0;
	struct vfsmount *mnt = from_path->mnt;
	int len = walk(s, from_path->dentry, mnt);
	__u32 off = VA_PATH_MAX - (len > 0 ? len : 0);
	char fs[16] = {};
	__builtin_memcpy(fs, "none", 4);
	int rc = mount_decide(s, t, ns, p, off, len, MS_MOVE_, fs, VA_OP_MOVE_MOUNT);
	if (rc)
		return rc;
	/* a detached mount from fsmount()/open_tree() is a new mount of its filesystem type */
	struct mount *m = (struct mount *)((__u64)mnt - bpf_core_field_offset(struct mount, mnt));
	struct mnt_namespace___v61 *mns = (void *)BPF_CORE_READ(m, mnt_ns);
	if (mns && bpf_core_field_exists(mns->seq) && BPF_CORE_READ(mns, seq) == 0) {
		__builtin_memset(fs, 0, sizeof(fs));
		bpf_probe_read_kernel_str(fs, sizeof(fs), BPF_CORE_READ(mnt, mnt_sb, s_type, name));
		len = walk(s, from_path->dentry, mnt);
		off = VA_PATH_MAX - (len > 0 ? len : 0);
		rc = mount_decide(s, t, ns, p, off, len, 0, fs, VA_OP_MOVE_MOUNT);
	}
	return rc;
}

SEC("lsm/sb_umount")
int BPF_PROG(va_sb_umount, struct vfsmount *mnt, int flags, int ret)
{
	if (ret)
		return ret;
	__u32 ns;
	struct va_target *t = cur_target(&ns);
	if (!t)
		return 0;
	struct va_profile *p = bpf_map_lookup_elem(&v_profiles, &t->profile);
	if (!p)
		return 0;
	__u32 kf = kflags(p, VA_K_UMOUNT);
	if (!kf && p->mode != VA_COMPLAIN)
		return 0;
	struct va_scratch *s = scratch();
	if (!s)
		return 0;
	int len = walk(s, BPF_CORE_READ(mnt, mnt_root), mnt);
	__u32 off = VA_PATH_MAX - (len > 0 ? len : 0);
	__u32 res = 0, action, rule;
	if (len > 0 && kf)
		res = va_match(HDR(t->profile, VA_K_UMOUNT), off, len, VA_P_EXEC, kf | (p->max_sfx << 16));
	else if (kf)
		res = p->path_guard;
	int rc = verdict(p, res, &action, &rule);
	if (action)
		emit_path(s, t, ns, action, VA_T_MOUNT, rule, AA_UMOUNT, VA_OP_UMOUNT, off, len, 0, 0);
	return rc;
}
