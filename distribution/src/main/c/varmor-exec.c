/*
 * varmor-exec: the last step between varmor and a sandboxed command.
 *
 *   varmor-exec [--sync-socket PATH] [--seccomp FILE] [--seccomp-log] [--apparmor PROFILE] [--cwd DIR] -- CMD [ARG...]
 *
 * 1. enters a fresh mount namespace (private propagation), so the target has its own mount-namespace id;
 * 2. with --sync-socket, connects to varmor's Unix socket, writes "ready <pid> <mntns-inode>\n" and waits for
 *    "go\n" (varmor binds the namespace to the
 *    policy meanwhile; anything else, or EOF, aborts with exit 125 before CMD runs);
 * 3. with --apparmor, asks AppArmor to confine the next exec (/proc/self/attr/exec);
 * 4. with --seccomp, sets no_new_privs and installs the classic-BPF filter read from FILE (built by varmor with
 *    libseccomp), then checks that the seccomp mode really is "filter";
 * 5. execs CMD. Exit 125: varmor-exec failed before CMD ran; 126: CMD not executable; 127: CMD not found.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "varmor-exec: %s: %s\n", what, strerror(errno));
    _exit(125);
}

static void fail(const char *what) {
    fprintf(stderr, "varmor-exec: %s\n", what);
    _exit(125);
}

static void write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("write to varmor");
        }
        buf += n;
        len -= (size_t)n;
    }
}

static void load_seccomp(const char *file, int log) {
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die("open seccomp filter");
    struct stat st;
    if (fstat(fd, &st) < 0) die("stat seccomp filter");
    if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0 || st.st_size > 4096 * (off_t)sizeof(struct sock_filter))
        fail("seccomp filter has an invalid size");
    struct sock_filter *insns = malloc((size_t)st.st_size);
    if (!insns) fail("out of memory");
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, (char *)insns + got, (size_t)st.st_size - got);
        if (n <= 0) die("read seccomp filter");
        got += (size_t)n;
    }
    close(fd);
    struct sock_fprog prog = {.len = (unsigned short)(st.st_size / sizeof(struct sock_filter)), .filter = insns};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("prctl(PR_SET_NO_NEW_PRIVS)");
    unsigned int flags = log ? SECCOMP_FILTER_FLAG_LOG : 0;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) != 0) die("seccomp(SECCOMP_SET_MODE_FILTER)");
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2) fail("seccomp filter mode did not take effect");
    free(insns);
}

int main(int argc, char **argv) {
    int sync_fd = -1, seccomp_log = 0;
    const char *seccomp = NULL, *apparmor = NULL, *cwd = NULL, *sync_socket = NULL;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) { i++; break; }
        if (strcmp(argv[i], "--sync-socket") == 0 && i + 1 < argc) sync_socket = argv[++i];
        else if (strcmp(argv[i], "--seccomp") == 0 && i + 1 < argc) seccomp = argv[++i];
        else if (strcmp(argv[i], "--seccomp-log") == 0) seccomp_log = 1;
        else if (strcmp(argv[i], "--apparmor") == 0 && i + 1 < argc) apparmor = argv[++i];
        else if (strcmp(argv[i], "--cwd") == 0 && i + 1 < argc) cwd = argv[++i];
        else { fprintf(stderr, "varmor-exec: unknown option %s\n", argv[i]); return 125; }
    }
    if (i >= argc) fail("no command given");

    if (unshare(CLONE_NEWNS) != 0) die("unshare(CLONE_NEWNS)");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) die("make / private");
    if (cwd && chdir(cwd) != 0) die("chdir");

    if (sync_socket) {
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        if (strlen(sync_socket) >= sizeof addr.sun_path) fail("sync socket path too long");
        strcpy(addr.sun_path, sync_socket);
        sync_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (sync_fd < 0) die("socket");
        if (connect(sync_fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("connect to varmor");
        struct stat ns;
        if (stat("/proc/self/ns/mnt", &ns) != 0) die("stat /proc/self/ns/mnt");
        char line[128];
        int len = snprintf(line, sizeof line, "ready %d %lu\n", (int)getpid(), (unsigned long)ns.st_ino);
        write_all(sync_fd, line, (size_t)len);
        char answer[8] = {0};
        size_t got = 0;
        while (got < 3) {
            ssize_t n = read(sync_fd, answer + got, 3 - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail("varmor went away before the target was bound");
            got += (size_t)n;
        }
        if (memcmp(answer, "go\n", 3) != 0) fail("varmor refused to start the target");
        close(sync_fd);
    }
    if (apparmor) {
        int fd = open("/proc/self/attr/exec", O_WRONLY | O_CLOEXEC);
        if (fd < 0) die("open /proc/self/attr/exec");
        char buf[512];
        int len = snprintf(buf, sizeof buf, "exec %s", apparmor);
        if (write(fd, buf, (size_t)len) != len) die("change AppArmor profile on exec");
        close(fd);
    }
    if (seccomp) load_seccomp(seccomp, seccomp_log);

    execvp(argv[i], &argv[i]);
    int e = errno;
    fprintf(stderr, "varmor-exec: %s: %s\n", argv[i], strerror(e));
    return e == ENOENT ? 127 : 126;
}
