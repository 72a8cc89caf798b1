/*
 * vprobe: the operations the BPF enforcer's kernel-lab tests perform, each reported as one line:
 *   "ok [detail]" (exit 0) or "err ENAME" (exit 1); usage errors exit 2.
 *
 *   vprobe open PATH [r|w|a|t]        open(2) for read / write / append / truncate
 *   vprobe openat DIR NAME            openat(dirfd, NAME) relative to an open directory
 *   vprobe reopen PATH                O_PATH open, then open("/proc/self/fd/N") for reading
 *   vprobe uring_open PATH            IORING_OP_OPENAT through io_uring
 *   vprobe memfdexec BINARY [ARG..]   copy BINARY into a memfd and fexecve it
 *   vprobe socket DOMAIN TYPE PROTO   socket(2)
 *   vprobe connect IP PORT            TCP connect (IPv4 or IPv6)
 *   vprobe connect_mapped IPV4 PORT   TCP connect of an AF_INET6 socket to ::ffff:IPV4
 *   vprobe sendto IP PORT             UDP sendto without connect
 *   vprobe userns                     unshare(CLONE_NEWUSER)
 *   vprobe fsmount FSTYPE TARGET      fsopen + fsconfig + fsmount + move_mount (the new mount API)
 *   vprobe mount SRC TARGET FSTYPE [bind]   mount(2)
 *   vprobe umount TARGET              umount2(2)
 *   vprobe loop PATH MILLIS           opens PATH repeatedly for MILLIS ms: "ok opens=N denied=M other=K"
 *   vprobe bench OP N [ARG]           N iterations of open_close FILE | exec | connect | mixed FILE: "ok NS_PER_OP"
 *   vprobe exec PATH [ARG..]          execv(2) (in a batch: the program's exit code is the result)
 *   vprobe cap NAME [ARG]             one operation that needs capability NAME (see do_cap)
 *   vprobe hold DIR                   (run under unshare -m) prepares mounts for the umount and cgroup actions of
 *                                     the differential test, prints READY and waits to be killed
 *   vprobe batch OP.. [';;' OP..]..   each operation in its own forked child, one line per operation:
 *                                     "R <index> <code>": 0 = allowed, else the errno (EPERM 1, EACCES 13, …)
 *   open modes also accept c (O_WRONLY|O_CREAT).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/mount.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int last_errno;

static int report(int rc)
{
	if (rc < 0) {
		last_errno = errno;
		const char *n = strerrorname_np(errno);
		printf("err %s\n", n ? n : "E?");
		return 1;
	}
	printf("ok\n");
	return 0;
}

static int open_mode(const char *m)
{
	switch (m ? m[0] : 'r') {
	case 'w':
		return O_WRONLY;
	case 'a':
		return O_WRONLY | O_APPEND;
	case 't':
		return O_WRONLY | O_TRUNC;
	case 'c':
		return O_WRONLY | O_CREAT;
	default:
		return O_RDONLY;
	}
}

static int do_open(const char *p, const char *m)
{
	int fd = open(p, open_mode(m), 0644);
	if (fd >= 0)
		close(fd);
	return report(fd);
}

static int do_openat(const char *dir, const char *name)
{
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	if (d < 0)
		return report(d);
	int fd = openat(d, name, O_RDONLY);
	if (fd >= 0)
		close(fd);
	return report(fd);
}

static int do_reopen(const char *p)
{
	int o = open(p, O_PATH);
	if (o < 0)
		return report(o);
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", o);
	int fd = open(link, O_RDONLY);
	if (fd >= 0)
		close(fd);
	return report(fd);
}

static int do_uring_open(const char *p)
{
	struct io_uring_params prm;
	memset(&prm, 0, sizeof(prm));
	int ring = syscall(__NR_io_uring_setup, 4, &prm);
	if (ring < 0)
		return report(ring);
	size_t sq_sz = prm.sq_off.array + prm.sq_entries * sizeof(unsigned);
	size_t cq_sz = prm.cq_off.cqes + prm.cq_entries * sizeof(struct io_uring_cqe);
	char *sq = mmap(0, sq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
	char *cq = mmap(0, cq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
	struct io_uring_sqe *sqes = mmap(0, prm.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		return report(-1);
	unsigned *tail = (unsigned *)(sq + prm.sq_off.tail);
	unsigned *mask = (unsigned *)(sq + prm.sq_off.ring_mask);
	unsigned *array = (unsigned *)(sq + prm.sq_off.array);
	unsigned idx = *tail & *mask;
	struct io_uring_sqe *e = &sqes[idx];
	memset(e, 0, sizeof(*e));
	e->opcode = IORING_OP_OPENAT;
	e->fd = AT_FDCWD;
	e->addr = (unsigned long)p;
	e->open_flags = O_RDONLY;
	array[idx] = idx;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return report(-1);
	unsigned *chead = (unsigned *)(cq + prm.cq_off.head);
	unsigned *cmask = (unsigned *)(cq + prm.cq_off.ring_mask);
	struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + prm.cq_off.cqes);
	int res = cqes[*chead & *cmask].res;
	if (res < 0) {
		errno = -res;
		return report(-1);
	}
	close(res);
	return report(0);
}

static int do_memfdexec(int argc, char **argv)
{
	int src = open(argv[0], O_RDONLY);
	if (src < 0)
		return report(src);
	int m = memfd_create("payload", MFD_CLOEXEC);
	if (m < 0)
		return report(m);
	char buf[65536];
	ssize_t n;
	while ((n = read(src, buf, sizeof(buf))) > 0)
		if (write(m, buf, n) != n)
			return report(-1);
	close(src);
	char *env[] = {"PATH=/usr/bin:/bin", NULL};
	(void)argc;
	fexecve(m, argv, env);
	return report(-1);
}

static int sockaddr_of(const char *ip, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, ip, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		*len = sizeof(*a4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, ip, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		*len = sizeof(*a6);
		return AF_INET6;
	}
	return -1;
}

static int do_connect(const char *ip, int port, int mapped)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char v6[64];
	if (mapped) {
		snprintf(v6, sizeof(v6), "::ffff:%s", ip);
		ip = v6;
	}
	int fam = sockaddr_of(ip, port, &ss, &len);
	if (fam < 0)
		return 2;
	int s = socket(fam, SOCK_STREAM, 0);
	if (s < 0)
		return report(s);
	int rc = connect(s, (struct sockaddr *)&ss, len);
	close(s);
	return report(rc);
}

static int do_sendto(const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fam = sockaddr_of(ip, port, &ss, &len);
	if (fam < 0)
		return 2;
	int s = socket(fam, SOCK_DGRAM, 0);
	if (s < 0)
		return report(s);
	int rc = sendto(s, "x", 1, 0, (struct sockaddr *)&ss, len);
	close(s);
	return report(rc < 0 ? -1 : 0);
}

static int do_fsmount(const char *fstype, const char *target)
{
	int fs = syscall(__NR_fsopen, fstype, 0);
	if (fs < 0)
		return report(fs);
	if (syscall(__NR_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return report(-1);
	int mnt = syscall(__NR_fsmount, fs, 0, 0);
	if (mnt < 0)
		return report(mnt);
	return report(syscall(__NR_move_mount, mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH));
}

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int do_loop(const char *p, long ms)
{
	long long end = now_ns() + ms * 1000000LL;
	long opens = 0, denied = 0, other = 0;
	while (now_ns() < end) {
		int fd = open(p, O_RDONLY);
		if (fd >= 0) {
			opens++;
			close(fd);
		} else if (errno == EPERM) {
			denied++;
		} else {
			other++;
		}
	}
	printf("ok opens=%ld denied=%ld other=%ld\n", opens, denied, other);
	return 0;
}

static void op_open_close(const char *f)
{
	int fd = open(f, O_RDONLY);
	if (fd >= 0)
		close(fd);
}

static void op_exec(void)
{
	pid_t c = fork();
	if (c == 0) {
		char *a[] = {"/bin/true", NULL};
		execv(a[0], a);
		_exit(127);
	}
	waitpid(c, NULL, 0);
}

static void op_connect(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = htonl(0x7f000001)};
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s >= 0) {
		connect(s, (struct sockaddr *)&a, sizeof(a));
		close(s);
	}
}

static int do_bench(const char *op, long n, const char *arg)
{
	long long t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (!strcmp(op, "open_close"))
			op_open_close(arg);
		else if (!strcmp(op, "exec"))
			op_exec();
		else if (!strcmp(op, "connect"))
			op_connect();
		else if (!strcmp(op, "mixed")) {
			/* a small "request": 8 opens, 1 connect, and a spawn every 16 iterations */
			for (int k = 0; k < 8; k++)
				op_open_close(arg);
			op_connect();
			if (i % 16 == 0)
				op_exec();
		} else
			return 2;
	}
	printf("ok %lld\n", (now_ns() - t0) / (n > 0 ? n : 1));
	return 0;
}


#include <sys/fsuid.h>
#include <sys/sysmacros.h>
#include <sys/klog.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/acct.h>
#include <sys/io.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <sys/ptrace.h>
#include <linux/bpf.h>
#include <linux/reboot.h>

/* A fresh file owned by uid/gid 1 and mode 0, for the DAC and owner checks. */
static int foreign_file(char *buf, size_t n, const char *tag)
{
	snprintf(buf, n, "/tmp/vprobe-%s-%d", tag, getpid());
	int fd = open(buf, O_WRONLY | O_CREAT | O_TRUNC, 0);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/*
 * One operation per capability that the kernel checks on its path (run as root, in a forked child, so side effects
 * stay there). Files it makes are removed again.
 */
static int do_cap(const char *name, const char *arg)
{
	char f[96];
	int rc;
	if (!strcmp(name, "chown")) { /* giving a file away needs CAP_CHOWN */
		if (foreign_file(f, sizeof(f), "chown") < 0)
			return report(-1);
		rc = chown(f, 1, 1);
		int e = errno;
		unlink(f);
		errno = e;
		return report(rc);
	}
	if (!strcmp(name, "dac_override") || !strcmp(name, "dac_read")) { /* a mode-000 file of another user */
		if (foreign_file(f, sizeof(f), "dac") < 0 || chown(f, 1, 1) < 0)
			return 3;
		int fd = open(f, !strcmp(name, "dac_read") ? O_RDONLY : O_WRONLY);
		int e = errno;
		unlink(f);
		if (fd >= 0)
			close(fd);
		errno = e;
		return report(fd);
	}
	if (!strcmp(name, "fowner")) { /* chmod of another user's file */
		if (foreign_file(f, sizeof(f), "fowner") < 0 || chown(f, 1, 1) < 0)
			return 3;
		rc = chmod(f, 0600);
		int e = errno;
		unlink(f);
		errno = e;
		return report(rc);
	}
	if (!strcmp(name, "kill") && arg) /* signal 0 to a process of another user */
		return report(kill(atoi(arg), 0));
	if (!strcmp(name, "dac_read_search") && arg) { /* open_by_handle_at has no other capability to fall back on */
		struct {
			struct file_handle h;
			unsigned char bytes[MAX_HANDLE_SZ];
		} fh;
		int mnt_id;
		fh.h.handle_bytes = MAX_HANDLE_SZ;
		if (name_to_handle_at(AT_FDCWD, arg, &fh.h, &mnt_id, 0) < 0)
			return 3;
		char dir[256];
		snprintf(dir, sizeof(dir), "%s", arg);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir)
			*slash = 0;
		int mfd = open(dir, O_RDONLY | O_DIRECTORY);
		if (mfd < 0)
			return 3;
		int fd = open_by_handle_at(mfd, &fh.h, O_RDONLY);
		if (fd >= 0)
			close(fd);
		return report(fd);
	}
	if (!strcmp(name, "sys_time")) { /* set the clock to what it reads */
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		return report(clock_settime(CLOCK_REALTIME, &t));
	}
	if (!strcmp(name, "sys_tty_config")) /* no controlling terminal here, so nothing is hung up */
		return report(vhangup());
	if (!strcmp(name, "setuid"))
		return report(setuid(1));
	if (!strcmp(name, "setgid"))
		return report(setgid(1));
	if (!strcmp(name, "setpcap"))
		return report(prctl(PR_CAPBSET_DROP, 0 /* CAP_CHOWN */, 0, 0, 0));
	if (!strcmp(name, "net_bind_service")) {
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(81), .sin_addr.s_addr = htonl(0x7f000001)};
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0)
			return report(s);
		return report(bind(s, (struct sockaddr *)&a, sizeof(a)));
	}
	if (!strcmp(name, "net_admin")) { /* SO_RCVBUFFORCE */
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		if (s < 0)
			return report(s);
		int v = 1 << 20;
		return report(setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)));
	}
	if (!strcmp(name, "net_raw"))
		return report(socket(AF_INET, SOCK_RAW, IPPROTO_UDP));
	if (!strcmp(name, "ipc_lock")) { /* mlock beyond RLIMIT_MEMLOCK 0 */
		struct rlimit r = {0, 0};
		if (setrlimit(RLIMIT_MEMLOCK, &r) < 0)
			return 3;
		static char page[4096] __attribute__((aligned(4096)));
		return report(mlock(page, sizeof(page)));
	}
	if (!strcmp(name, "sys_module")) /* the capability is checked before the arguments */
		return report(syscall(__NR_init_module, NULL, 0, ""));
	if (!strcmp(name, "sys_rawio"))
		return report(iopl(3));
	if (!strcmp(name, "sys_chroot"))
		return report(chroot("/"));
	if (!strcmp(name, "sys_ptrace") && arg) { /* another user's environment */
		snprintf(f, sizeof(f), "/proc/%s/environ", arg);
		int fd = open(f, O_RDONLY);
		if (fd >= 0)
			close(fd);
		return report(fd);
	}
	if (!strcmp(name, "sys_pacct"))
		return report(acct(NULL));
	if (!strcmp(name, "sys_admin")) { /* sethostname to the current name */
		char h[128];
		if (gethostname(h, sizeof(h)) < 0)
			return 3;
		return report(sethostname(h, strlen(h)));
	}
	if (!strcmp(name, "sys_boot"))
		return report(reboot(LINUX_REBOOT_CMD_CAD_OFF));
	if (!strcmp(name, "sys_nice"))
		return report(setpriority(PRIO_PROCESS, 0, -1));
	if (!strcmp(name, "sys_resource")) { /* raise a hard limit again */
		struct rlimit r = {256, 256};
		if (setrlimit(RLIMIT_NOFILE, &r) < 0)
			return 3;
		r.rlim_max = 512;
		return report(setrlimit(RLIMIT_NOFILE, &r));
	}
	if (!strcmp(name, "mknod")) {
		snprintf(f, sizeof(f), "/tmp/vprobe-mknod-%d", getpid());
		rc = mknod(f, S_IFCHR | 0600, makedev(1, 3));
		int e = errno;
		unlink(f);
		errno = e;
		return report(rc);
	}
	if (!strcmp(name, "lease")) { /* a read lease on another user's file */
		if (foreign_file(f, sizeof(f), "lease") < 0 || chown(f, 1, 1) < 0)
			return 3;
		int fd = open(f, O_RDONLY);
		unlink(f);
		if (fd < 0)
			return report(fd);
		return report(fcntl(fd, F_SETLEASE, F_RDLCK));
	}
	if (!strcmp(name, "syslog")) /* with kernel.dmesg_restrict=1 */
		return report(klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0));
	if (!strcmp(name, "wake_alarm"))
		return report(timerfd_create(CLOCK_REALTIME_ALARM, 0));
	if (!strcmp(name, "bpf")) { /* load "r0 = 0; exit" as a socket filter (unprivileged BPF disabled) */
		struct bpf_insn insns[] = {
			{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
			{.code = BPF_JMP | BPF_EXIT},
		};
		union bpf_attr at;
		memset(&at, 0, sizeof(at));
		at.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		at.insn_cnt = 2;
		at.insns = (unsigned long)insns;
		at.license = (unsigned long)"GPL";
		return report(syscall(__NR_bpf, BPF_PROG_LOAD, &at, sizeof(at)));
	}
	return 2;
}

static int dispatch(int argc, char **argv);

/* A target mount namespace for the differential test: everything in one static process, cheap under emulation. */
static int do_hold(const char *dir)
{
	char um[256];
	snprintf(um, sizeof(um), "%s/um", dir);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || mount("/proc/sys", "/proc/sys", NULL, MS_BIND, NULL) < 0 ||
	    mount("/sys/kernel", "/sys/kernel", NULL, MS_BIND, NULL) < 0 || mount("none", um, "tmpfs", 0, NULL) < 0 ||
	    mount("none", "/sys/fs/cgroup", "tmpfs", 0, NULL) < 0 || mkdir("/sys/fs/cgroup/x", 0755) < 0)
		return report(-1);
	int fd = open("/sys/fs/cgroup/x/release_agent", O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return report(fd);
	close(fd);
	printf("READY\n");
	for (;;)
		pause();
}

/* Runs each ';;'-separated operation in a forked child; prints "R <index> <code>". */
static int do_batch(int argc, char **argv)
{
	int i = 0, idx = 0;
	while (i < argc) {
		int j = i;
		while (j < argc && strcmp(argv[j], ";;"))
			j++;
		argv[j < argc ? j : argc] = NULL;
		int n = j - i;
		pid_t c = fork();
		if (c == 0) {
			int out = open("/dev/null", O_WRONLY);
			dup2(out, 1);
			dup2(out, 2);
			int rc = dispatch(n + 1, argv + i - 1);
			_exit(rc == 0 ? 0 : rc == 1 ? (last_errno ? last_errno : 255) : 200 + rc);
		}
		int st = 0;
		waitpid(c, &st, 0);
		printf("R %d %d\n", idx, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		idx++;
		i = j + 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "batch"))
		return do_batch(argc - 2, argv + 2);
	if (!strcmp(argv[1], "hold") && argc == 3)
		return do_hold(argv[2]);
	return dispatch(argc, argv);
}

/* argv[0] is ignored, argv[1] names the operation. */
static int dispatch(int argc, char **argv)
{
	const char *c = argv[1];
	if (!strcmp(c, "exec") && argc >= 3) {
		execv(argv[2], argv + 2);
		return report(-1);
	}
	if (!strcmp(c, "cap") && argc >= 3)
		return do_cap(argv[2], argc > 3 ? argv[3] : NULL);
	if (!strcmp(c, "open") && argc >= 3)
		return do_open(argv[2], argc > 3 ? argv[3] : "r");
	if (!strcmp(c, "openat") && argc == 4)
		return do_openat(argv[2], argv[3]);
	if (!strcmp(c, "reopen") && argc == 3)
		return do_reopen(argv[2]);
	if (!strcmp(c, "uring_open") && argc == 3)
		return do_uring_open(argv[2]);
	if (!strcmp(c, "memfdexec") && argc >= 3)
		return do_memfdexec(argc - 2, argv + 2);
	if (!strcmp(c, "socket") && argc == 5)
		return report(socket(atoi(argv[2]), atoi(argv[3]), atoi(argv[4])));
	if (!strcmp(c, "connect") && argc == 4)
		return do_connect(argv[2], atoi(argv[3]), 0);
	if (!strcmp(c, "connect_mapped") && argc == 4)
		return do_connect(argv[2], atoi(argv[3]), 1);
	if (!strcmp(c, "sendto") && argc == 4)
		return do_sendto(argv[2], atoi(argv[3]));
	if (!strcmp(c, "userns") && argc == 2)
		return report(unshare(CLONE_NEWUSER));
	if (!strcmp(c, "fsmount") && argc == 4)
		return do_fsmount(argv[2], argv[3]);
	if (!strcmp(c, "mount") && argc >= 5)
		return report(mount(argv[2], argv[3], argv[4], argc > 5 && !strcmp(argv[5], "bind") ? MS_BIND : 0, NULL));
	if (!strcmp(c, "umount") && argc == 3)
		return report(umount2(argv[2], 0));
	if (!strcmp(c, "loop") && argc == 4)
		return do_loop(argv[2], atol(argv[3]));
	if (!strcmp(c, "bench") && argc >= 4)
		return do_bench(argv[2], atol(argv[3]), argc > 4 ? argv[4] : "/tmp/vprobe-bench");
	return 2;
}
