// SPDX-License-Identifier: GPL-2.0
/*
 * lab_smoke: minimal BPF LSM proof used by the kernel lab.
 *
 * lsm/file_open denies (-EPERM) an open when the current task's mount namespace inum is a key of
 * `target_mntns` AND the file's full path (bpf_d_path) equals `deny_path[0]`; every denial is
 * reported as a `struct lab_event` on the `events` ring buffer.
 *
 * Layouts shared with Java (io.varmor.bpf.LabSmoke): all fields are fixed-size and padding-free.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define LAB_PATH_MAX 256
#define LAB_EPERM 1

struct lab_path { char path[LAB_PATH_MAX]; };

/* 4 + 4 + 4 + 16 + 256 = 284 bytes */
struct lab_event {
	__u32 pid;
	__u32 mnt_ns;
	__s32 ret;
	char comm[16];
	char path[LAB_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} target_mntns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lab_path);
} deny_path SEC(".maps");

/* per-CPU scratch: the event is built here (too big for the 512-byte BPF stack next to the path) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lab_event);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

static __always_inline __u32 current_mnt_ns(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	return BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
}

SEC("lsm/file_open")
int BPF_PROG(lab_file_open, struct file *file, int ret)
{
	__u32 zero = 0, ns;
	struct lab_path *deny;
	struct lab_event *e;
	int i;

	if (ret != 0)
		return ret;
	ns = current_mnt_ns();
	if (!bpf_map_lookup_elem(&target_mntns, &ns))
		return 0;
	deny = bpf_map_lookup_elem(&deny_path, &zero);
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!deny || !e || !deny->path[0])
		return 0;
	if (bpf_d_path((struct path *)&file->f_path, e->path, sizeof(e->path)) < 0)
		return 0;
	for (i = 0; i < LAB_PATH_MAX; i++) {
		if (e->path[i] != deny->path[i])
			return 0;
		if (!e->path[i])
			break;
	}
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->mnt_ns = ns;
	e->ret = -LAB_EPERM;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_output(&events, e, sizeof(*e), 0);
	return -LAB_EPERM;
}

char LICENSE[] SEC("license") = "GPL";
