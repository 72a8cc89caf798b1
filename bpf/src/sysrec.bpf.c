// SPDX-License-Identifier: GPL-2.0
/*
 * sysrec: lossless syscall recording for behaviour modelling.
 *
 * raw_tp/sys_enter sets bit <syscall number> in the bitmap of the current task's mount namespace when that
 * namespace is a key of `v_sysrec`. No event is sent per syscall, so nothing can be lost: the bitmap says which
 * syscalls a target made, however fast. Only attached while `varmor model` runs.
 *
 * Layout shared with Java (io.varmor.bpf.SyscallRecorder): HASH u32 mnt-ns inum -> u64[8] (syscalls 0..511).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define SYSREC_WORDS 8

struct sysrec_bits {
	__u64 w[SYSREC_WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct sysrec_bits);
} v_sysrec SEC(".maps");

SEC("raw_tp/sys_enter")
int BPF_PROG(va_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u32 ns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
	struct sysrec_bits *b = bpf_map_lookup_elem(&v_sysrec, &ns);

	if (!b || id < 0 || id >= SYSREC_WORDS * 64)
		return 0;
	__u32 i = (__u32)id;
	__sync_fetch_and_or(&b->w[(i >> 6) & (SYSREC_WORDS - 1)], 1ULL << (i & 63));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
