// SPDX-License-Identifier: GPL-2.0
/*
 * bench_empty: LSM programs on the same hooks as varmor.bpf.c that only pass the previous verdict on. The benchmark's
 * "empty program" condition: the cost of the BPF LSM trampolines alone.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define EMPTY(hook, ...)                                                                                               \
	SEC("lsm/" #hook)                                                                                              \
	int BPF_PROG(empty_##hook, __VA_ARGS__, int ret)                                                               \
	{                                                                                                              \
		return ret;                                                                                            \
	}

EMPTY(file_open, struct file *f)
EMPTY(path_link, struct dentry *a, const struct path *b, struct dentry *c)
EMPTY(path_symlink, const struct path *a, struct dentry *b, const char *c)
EMPTY(path_mknod, const struct path *a, struct dentry *b, umode_t m, unsigned int d)
EMPTY(path_mkdir, const struct path *a, struct dentry *b, umode_t m)
EMPTY(path_unlink, const struct path *a, struct dentry *b)
EMPTY(path_rmdir, const struct path *a, struct dentry *b)
EMPTY(path_truncate, const struct path *a)
EMPTY(bprm_check_security, struct linux_binprm *b)
EMPTY(mmap_file, struct file *f, unsigned long a, unsigned long b, unsigned long c)
EMPTY(file_mprotect, struct vm_area_struct *v, unsigned long a, unsigned long b)
EMPTY(capable, const struct cred *c, struct user_namespace *n, int cap, unsigned int o)
EMPTY(userns_create, const struct cred *c)
EMPTY(ptrace_access_check, struct task_struct *t, unsigned int m)
EMPTY(socket_create, int f, int t, int p, int k)
EMPTY(socket_connect, struct socket *s, struct sockaddr *a, int l)
EMPTY(socket_sendmsg, struct socket *s, struct msghdr *m, int l)
EMPTY(sb_mount, const char *d, const struct path *p, const char *t, unsigned long f, void *x)
EMPTY(move_mount, const struct path *a, const struct path *b)
EMPTY(sb_umount, struct vfsmount *m, int f)

SEC("lsm/path_rename")
int BPF_PROG(empty_path_rename, const struct path *a, struct dentry *b, const struct path *c, struct dentry *d)
{
	return 0;
}
