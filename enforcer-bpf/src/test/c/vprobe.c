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

static int report(int rc)
{
	if (rc < 0) {
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
	default:
		return O_RDONLY;
	}
}

static int do_open(const char *p, const char *m)
{
	int fd = open(p, open_mode(m));
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

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2)
		return 2;
	const char *c = argv[1];
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
