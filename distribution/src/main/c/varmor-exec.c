/*
 * varmor-exec: the last step between varmor and a sandboxed command.
 *
 *   varmor-exec [--sync-socket PATH] [--seccomp FILE] [--seccomp-log] [--apparmor PROFILE] [--cwd DIR] -- CMD [ARG...]
 *
 * 1. enters a fresh mount namespace (private propagation), so the target has its own mount-namespace id;
 * 2. starts a new audit session (writing /proc/self/loginuid), so that every audit record of the target and its
 *    descendants carries a session id of its own;
 *    with --sync-socket, connects to varmor's Unix socket, writes "ready <pid> <mntns-inode> <audit-session>\n"
 *    (session 0 when audit sessions are unavailable) and waits for
 *    "go\n" (varmor binds the namespace to the
 *    policy meanwhile; anything else, or EOF, aborts with exit 125 before CMD runs);
 * 3. with --apparmor, moves itself into the AppArmor profile at once (change_profile), so that the exec of CMD
 *    is already mediated by the profile (change-on-exec would leave CMD's own executable unchecked);
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

/* Sets the login uid (to the current uid) to obtain a fresh audit session id; returns it, or 0 when unavailable. */
static unsigned long new_audit_session(void) {
    int fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%u", (unsigned)getuid());
    int ok = write(fd, buf, (size_t)len) == len;
    close(fd);
    if (!ok) return 0;
    fd = open("/proc/self/sessionid", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    unsigned long s = strtoul(buf, NULL, 10);
    return s == 4294967295UL ? 0 : s;
}

/* --- landlock begin --- */
/*
 * --landlock FILE: restrict this process, and so the command it executes, with a Landlock ruleset described in FILE.
 * Landlock is an allow-list: once a right is "handled", it is denied everywhere except where a rule grants it.
 *
 *   # comment                    blank lines and comments are ignored
 *   landlock 1                   format version; the first line that is not a comment
 *   fs.handled R,R,...           filesystem rights the ruleset restricts (names below)
 *   net.handled R,...            TCP rights: bind_tcp, connect_tcp (ABI 4)
 *   scoped S,...                 IPC scopes: abstract_unix_socket, signal (ABI 6)
 *   log on|off                   ABI 7 denial logging: on = also after exec, off = never (default: the kernel's)
 *   path R,R,... PATH            grant rights on PATH and everything beneath it (the rest of the line; \ooo escapes)
 *   port R,... FROM-TO           grant TCP rights on every port of the inclusive range
 *
 * fs rights: execute write_file read_file read_dir remove_dir remove_file make_char make_dir make_reg make_sock
 * make_fifo make_block make_sym (ABI 1), refer (2), truncate (3), ioctl_dev (5). Header lines precede rules.
 * The kernel's ABI decides: fs rights it lacks are dropped with a warning (they stay allowed; refer silently, as
 * ABI 1 denies reparenting anyway); net rights or scopes it lacks are an error, as is Landlock being off. A path
 * that no longer exists (or is a symlink) is skipped: its grant is lost, never widened. Rights a rule grants are
 * limited to the handled ones (and to file rights on non-directories). Sets no_new_privs, then restricts itself.
 */
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

enum { LL_FS, LL_NET, LL_SCOPE };
struct ll_ruleset_attr { unsigned long long fs, net, scoped; };
struct ll_path_beneath { unsigned long long allowed; int parent_fd; } __attribute__((packed));
struct ll_net_port { unsigned long long allowed, port; };
static const struct { const char *name; int kind; unsigned long long bit; int abi; } ll_rights[] = {
    {"execute", LL_FS, 1ULL << 0, 1}, {"write_file", LL_FS, 1ULL << 1, 1}, {"read_file", LL_FS, 1ULL << 2, 1},
    {"read_dir", LL_FS, 1ULL << 3, 1}, {"remove_dir", LL_FS, 1ULL << 4, 1}, {"remove_file", LL_FS, 1ULL << 5, 1},
    {"make_char", LL_FS, 1ULL << 6, 1}, {"make_dir", LL_FS, 1ULL << 7, 1}, {"make_reg", LL_FS, 1ULL << 8, 1},
    {"make_sock", LL_FS, 1ULL << 9, 1}, {"make_fifo", LL_FS, 1ULL << 10, 1}, {"make_block", LL_FS, 1ULL << 11, 1},
    {"make_sym", LL_FS, 1ULL << 12, 1}, {"refer", LL_FS, 1ULL << 13, 2}, {"truncate", LL_FS, 1ULL << 14, 3},
    {"ioctl_dev", LL_FS, 1ULL << 15, 5}, {"bind_tcp", LL_NET, 1ULL << 0, 4}, {"connect_tcp", LL_NET, 1ULL << 1, 4},
    {"abstract_unix_socket", LL_SCOPE, 1ULL << 0, 6}, {"signal", LL_SCOPE, 1ULL << 1, 6},
};
#define LL_NRIGHTS (sizeof ll_rights / sizeof ll_rights[0])
#define LL_FILE_RIGHTS ((1ULL << 0) | (1ULL << 1) | (1ULL << 2) | (1ULL << 14) | (1ULL << 15))
#define LL_REFER (1ULL << 13)

static const char *landlock_file;

static void ll_fail(int line, const char *what, const char *arg) {
    fprintf(stderr, "varmor-exec: landlock ruleset %s line %d: %s%s%s\n", landlock_file, line, what, arg ? " " : "", arg ? arg : "");
    _exit(125);
}

static unsigned long long ll_mask(char *list, int kind, int line) {
    unsigned long long m = 0;
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        size_t r = 0;
        while (r < LL_NRIGHTS && (strcmp(ll_rights[r].name, tok) != 0 || ll_rights[r].kind != kind)) r++;
        if (r == LL_NRIGHTS) ll_fail(line, "unknown right", tok);
        m |= ll_rights[r].bit;
    }
    return m;
}

/* Rights of `kind` in `m` that ABI `abi` lacks, as a comma-separated list in buf (empty when none). */
static unsigned long long ll_unsupported(unsigned long long m, int kind, long abi, char *buf, size_t len) {
    unsigned long long out = 0;
    buf[0] = '\0';
    for (size_t r = 0; r < LL_NRIGHTS; r++) {
        if (ll_rights[r].kind == kind && (m & ll_rights[r].bit) && ll_rights[r].abi > abi) {
            out |= ll_rights[r].bit;
            if (strlen(buf) + strlen(ll_rights[r].name) + 3 < len) {
                if (buf[0]) strcat(buf, ", ");
                strcat(buf, ll_rights[r].name);
            }
        }
    }
    return out;
}

static void ll_unescape(char *s) {
    char *out = s;
    while (*s) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
            *out++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
            s += 4;
        } else {
            *out++ = *s++;
        }
    }
    *out = '\0';
}

static long ll_abi(void) {
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, 1U /* LANDLOCK_CREATE_RULESET_VERSION */);
    if (abi >= 1) return abi;
    if (errno == EOPNOTSUPP) fail("Landlock is disabled on this kernel (add landlock to the lsm= boot parameter)");
    if (errno == ENOSYS) fail("this kernel has no Landlock (CONFIG_SECURITY_LANDLOCK)");
    die("landlock_create_ruleset(LANDLOCK_CREATE_RULESET_VERSION)");
    return -1;
}

static int ll_create(long abi, struct ll_ruleset_attr *a) {
    char missing[256];
    unsigned long long fs_lost = ll_unsupported(a->fs, LL_FS, abi, missing, sizeof missing);
    if (fs_lost & ~LL_REFER)
        fprintf(stderr, "varmor-exec: landlock: this kernel's ABI %ld cannot restrict %s; left allowed\n", abi, missing);
    a->fs &= ~fs_lost;
    if (ll_unsupported(a->net, LL_NET, abi, missing, sizeof missing)) {
        fprintf(stderr, "varmor-exec: landlock: this kernel's ABI %ld cannot restrict %s (needs ABI 4, Linux 6.7)\n", abi, missing);
        _exit(125);
    }
    if (ll_unsupported(a->scoped, LL_SCOPE, abi, missing, sizeof missing)) {
        fprintf(stderr, "varmor-exec: landlock: this kernel's ABI %ld cannot scope %s (needs ABI 6, Linux 6.12)\n", abi, missing);
        _exit(125);
    }
    if (!a->fs && !a->net && !a->scoped) fail("landlock: nothing this kernel can restrict is left in the ruleset");
    size_t size = abi >= 6 ? sizeof *a : abi >= 4 ? 2 * sizeof a->fs : sizeof a->fs;
    int fd = (int)syscall(__NR_landlock_create_ruleset, a, size, 0U);
    if (fd < 0) die("landlock_create_ruleset");
    return fd;
}

static void ll_add_path(int ruleset, unsigned long long allowed, const char *path) {
    int fd = open(path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == EACCES) return; /* grant lost, not widened */
        fprintf(stderr, "varmor-exec: landlock: open %s: %s\n", path, strerror(errno));
        _exit(125);
    }
    struct stat st;
    if (fstat(fd, &st) != 0) die("landlock: stat");
    if (!S_ISDIR(st.st_mode)) allowed &= LL_FILE_RIGHTS;
    if (allowed && !S_ISLNK(st.st_mode)) {
        struct ll_path_beneath rule = {.allowed = allowed, .parent_fd = fd};
        if (syscall(__NR_landlock_add_rule, ruleset, 1 /* LANDLOCK_RULE_PATH_BENEATH */, &rule, 0U) != 0) {
            fprintf(stderr, "varmor-exec: landlock: rule for %s: %s\n", path, strerror(errno));
            _exit(125);
        }
    }
    close(fd);
}

static void ll_add_ports(int ruleset, unsigned long long allowed, const char *range, int line) {
    char *end;
    unsigned long from = strtoul(range, &end, 10), to = from;
    if (*end == '-') to = strtoul(end + 1, &end, 10);
    if (*end || end == range || from > 65535 || to > 65535 || to < from) ll_fail(line, "bad port range", range);
    for (unsigned long p = from; allowed && p <= to; p++) {
        struct ll_net_port rule = {.allowed = allowed, .port = p};
        if (syscall(__NR_landlock_add_rule, ruleset, 2 /* LANDLOCK_RULE_NET_PORT */, &rule, 0U) != 0) die("landlock: port rule");
    }
}

static char *ll_read(const char *file) {
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die("open landlock ruleset");
    struct stat st;
    if (fstat(fd, &st) != 0) die("stat landlock ruleset");
    if (st.st_size > 64L << 20) fail("landlock ruleset larger than 64 MiB");
    char *buf = malloc((size_t)st.st_size + 1);
    if (!buf) fail("out of memory");
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) die("read landlock ruleset");
        got += (size_t)n;
    }
    buf[got] = '\0';
    close(fd);
    return buf;
}

static void apply_landlock(const char *file) {
    long abi = ll_abi();
    char *buf = ll_read(file);
    struct ll_ruleset_attr attr = {0, 0, 0};
    int ruleset = -1, line = 0, seen_header = 0;
    unsigned int flags = 0;
    for (char *l = buf, *next; l && *l; l = next) {
        next = strchr(l, '\n');
        if (next) *next++ = '\0';
        line++;
        if (l[0] == '#' || l[0] == '\0') continue;
        char *key = l, *arg = strchr(l, ' ');
        if (arg) *arg++ = '\0';
        if (!seen_header) {
            if (strcmp(key, "landlock") != 0 || !arg || strcmp(arg, "1") != 0) ll_fail(line, "expected \"landlock 1\"", NULL);
            seen_header = 1;
            continue;
        }
        if (!arg) ll_fail(line, "missing argument for", key);
        int rule = strcmp(key, "path") == 0 || strcmp(key, "port") == 0;
        if (!rule && ruleset >= 0) ll_fail(line, "header line after the first rule:", key);
        if (strcmp(key, "fs.handled") == 0) attr.fs |= ll_mask(arg, LL_FS, line);
        else if (strcmp(key, "net.handled") == 0) attr.net |= ll_mask(arg, LL_NET, line);
        else if (strcmp(key, "scoped") == 0) attr.scoped |= ll_mask(arg, LL_SCOPE, line);
        else if (strcmp(key, "log") == 0) {
            if (strcmp(arg, "on") == 0) flags = 1U << 1;       /* LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON */
            else if (strcmp(arg, "off") == 0) flags = 1U << 0; /* LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF */
            else ll_fail(line, "log must be on or off, not", arg);
        } else if (rule) {
            if (ruleset < 0) ruleset = ll_create(abi, &attr);
            char *what = arg, *rest = strchr(arg, ' ');
            if (!rest) ll_fail(line, "missing operand for", key);
            *rest++ = '\0';
            if (strcmp(key, "path") == 0) {
                unsigned long long m = ll_mask(what, LL_FS, line) & attr.fs;
                ll_unescape(rest);
                if (m) ll_add_path(ruleset, m, rest);
            } else {
                ll_add_ports(ruleset, ll_mask(what, LL_NET, line) & attr.net, rest, line);
            }
        } else ll_fail(line, "unknown keyword", key);
    }
    if (!seen_header) ll_fail(line, "empty ruleset file", NULL);
    if (ruleset < 0) ruleset = ll_create(abi, &attr);
    free(buf);
    if (abi < 7) flags = 0;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("prctl(PR_SET_NO_NEW_PRIVS)");
    if (syscall(__NR_landlock_restrict_self, ruleset, flags) != 0) die("landlock_restrict_self");
    close(ruleset);
}
/* --- landlock end --- */

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
        else if (strcmp(argv[i], "--landlock") == 0 && i + 1 < argc) landlock_file = argv[++i];
        else if (strcmp(argv[i], "--cwd") == 0 && i + 1 < argc) cwd = argv[++i];
        else { fprintf(stderr, "varmor-exec: unknown option %s\n", argv[i]); return 125; }
    }
    if (i >= argc) fail("no command given");

    if (unshare(CLONE_NEWNS) != 0) die("unshare(CLONE_NEWNS)");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) die("make / private");
    if (cwd && chdir(cwd) != 0) die("chdir");

    unsigned long session = new_audit_session();

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
        int len = snprintf(line, sizeof line, "ready %d %lu %lu\n", (int)getpid(), (unsigned long)ns.st_ino, session);
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
        int fd = open("/proc/self/attr/apparmor/current", O_WRONLY | O_CLOEXEC);
        if (fd < 0) fd = open("/proc/self/attr/current", O_WRONLY | O_CLOEXEC);
        if (fd < 0) die("open /proc/self/attr/current");
        char buf[512];
        int len = snprintf(buf, sizeof buf, "changeprofile %s", apparmor);
        if (len <= 0 || len >= (int)sizeof buf) fail("AppArmor profile name too long");
        if (write(fd, buf, (size_t)len) != len) die("change to the AppArmor profile");
        close(fd);
    }
    if (landlock_file) apply_landlock(landlock_file);
    if (seccomp) load_seccomp(seccomp, seccomp_log);

    execvp(argv[i], &argv[i]);
    int e = errno;
    fprintf(stderr, "varmor-exec: %s: %s\n", argv[i], strerror(e));
    return e == ENOENT ? 127 : 126;
}
