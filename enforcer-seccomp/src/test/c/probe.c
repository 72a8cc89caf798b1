/*
 * probe: each subcommand attempts exactly one action that a varmor Seccomp rule forbids (or a control that must
 * stay allowed) and prints one line:
 *
 *   RESULT <subcommand> OK
 *   RESULT <subcommand> ERR <errno> <strerror>
 *
 * Exit status 0 when the action succeeded, 1 when it failed, 2 on a usage/setup error (then the line says SETUP).
 * Built statically (cc -static -O2) so it runs inside a busybox rootfs.
 *
 *   probe userns-unshare | userns-clone | userns-clone3 | userns-unshare-i386 | i386-getpid | mntns-unshare
 *   probe io-uring | splice | userfaultfd | bpf-prog-load | so-attach-filter | so-attach-reuseport-cbpf
 *   probe chmod|fchmod|fchmodat|fchmodat2 FILE OCTAL-MODE      (FILE is created 0600 first when missing)
 *   probe loop getppid|openclose ITERATIONS                    (prints "LOOP <name> <iterations> <ns-per-iteration>")
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SO_ATTACH_REUSEPORT_CBPF
#define SO_ATTACH_REUSEPORT_CBPF 51
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#define I386_UNSHARE 310
#define I386_GETPID 20

static const char *sub;

static int report(long rc) {
    if (rc >= 0) {
        printf("RESULT %s OK\n", sub);
        return 0;
    }
    int e = errno;
    printf("RESULT %s ERR %d %s\n", sub, e, strerror(e));
    return 1;
}

static int setup_failed(const char *what) {
    printf("RESULT %s SETUP %s: %s\n", sub, what, strerror(errno));
    return 2;
}

/* The 32-bit entry point from a 64-bit process: the kernel reports AUDIT_ARCH_I386 to seccomp. */
static long int80(long nr, long a0) {
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a0) : "memory", "r8", "r9", "r10", "r11");
    if (ret < 0 && ret > -4096) {
        errno = (int)-ret;
        return -1;
    }
    return ret;
}

/* fork-like raw clone/clone3: the child exits at once, the parent reports. */
static int child_done(long pid) {
    if (pid == 0) _exit(0);
    if (pid > 0) waitpid((pid_t)pid, NULL, 0);
    return report(pid);
}

struct clone_args_v0 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static int chmod_family(const char *file, const char *mode_text) {
    mode_t mode = (mode_t)strtol(mode_text, NULL, 8);
    int fd = open(file, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return setup_failed("create file");
    long rc;
    if (strcmp(sub, "chmod") == 0) rc = chmod(file, mode);
    else if (strcmp(sub, "fchmod") == 0) rc = fchmod(fd, mode);
    else if (strcmp(sub, "fchmodat") == 0) rc = syscall(SYS_fchmodat, AT_FDCWD, file, mode);
    else rc = syscall(SYS_fchmodat2, AT_FDCWD, file, mode, 0);
    return report(rc);
}

static int bpf_prog_load(void) {
    struct bpf_insn insns[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = 2;
    attr.license = (uint64_t)(uintptr_t)"GPL";
    return report(syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr));
}

static int attach_cbpf(int option) {
    struct sock_filter code[] = {{BPF_RET | BPF_K, 0, 0, 0xffffffff}};
    struct sock_fprog prog = {.len = 1, .filter = code};
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return setup_failed("socket");
    int one = 1;
    if (option == SO_ATTACH_REUSEPORT_CBPF && setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
        return setup_failed("SO_REUSEPORT");
    return report(setsockopt(s, SOL_SOCKET, option, &prog, sizeof prog));
}

static int do_splice(void) {
    int a[2], b[2];
    if (pipe(a) != 0 || pipe(b) != 0) return setup_failed("pipe");
    if (write(a[1], "x", 1) != 1) return setup_failed("write");
    return report(splice(a[0], NULL, b[1], NULL, 1, 0));
}

static int loop(const char *what, long n) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0); /* vDSO: never reaches the filter */
    if (strcmp(what, "getppid") == 0) {
        for (long i = 0; i < n; i++) syscall(SYS_getppid);
    } else if (strcmp(what, "openclose") == 0) {
        for (long i = 0; i < n; i++) {
            int fd = open("/", O_RDONLY | O_CLOEXEC);
            if (fd < 0) return setup_failed("open /");
            close(fd);
        }
    } else {
        return setup_failed("unknown loop");
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    printf("LOOP %s %ld %.2f\n", what, n, ns / (double)n);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: probe SUBCOMMAND [ARGS]\n");
        return 2;
    }
    sub = argv[1];
    if (strcmp(sub, "userns-unshare") == 0) return report(unshare(CLONE_NEWUSER));
    if (strcmp(sub, "mntns-unshare") == 0) return report(unshare(CLONE_NEWNS));
    if (strcmp(sub, "userns-unshare-i386") == 0) return report(int80(I386_UNSHARE, CLONE_NEWUSER));
    if (strcmp(sub, "i386-getpid") == 0) return report(int80(I386_GETPID, 0));
    if (strcmp(sub, "userns-clone") == 0) return child_done(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
    if (strcmp(sub, "userns-clone3") == 0) {
        struct clone_args_v0 args = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
        return child_done(syscall(SYS_clone3, &args, sizeof args));
    }
    if (strcmp(sub, "io-uring") == 0) {
        struct io_uring_params p;
        memset(&p, 0, sizeof p);
        return report(syscall(SYS_io_uring_setup, 1, &p));
    }
    if (strcmp(sub, "splice") == 0) return do_splice();
    if (strcmp(sub, "userfaultfd") == 0) return report(syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY));
    if (strcmp(sub, "bpf-prog-load") == 0) return bpf_prog_load();
    if (strcmp(sub, "so-attach-filter") == 0) return attach_cbpf(SO_ATTACH_FILTER);
    if (strcmp(sub, "so-attach-reuseport-cbpf") == 0) return attach_cbpf(SO_ATTACH_REUSEPORT_CBPF);
    if ((strcmp(sub, "chmod") == 0 || strcmp(sub, "fchmod") == 0 || strcmp(sub, "fchmodat") == 0 ||
         strcmp(sub, "fchmodat2") == 0) && argc == 4)
        return chmod_family(argv[2], argv[3]);
    if (strcmp(sub, "loop") == 0 && argc == 4) return loop(argv[2], atol(argv[3]));
    fprintf(stderr, "probe: unknown subcommand or arguments: %s\n", sub);
    return 2;
}
