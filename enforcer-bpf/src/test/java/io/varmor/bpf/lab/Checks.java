package io.varmor.bpf.lab;

import static io.varmor.bpf.lab.Guest.inside;
import static io.varmor.bpf.lab.Guest.report;

import java.util.Map;

/**
 * The operations {@link EnforcementGuestMain} performs, each inside a bound namespace and, where the rule allows
 * it elsewhere, in the unbound control namespace {@code ctl}. Keys: {@code <ns>.<check>.rc/.out}.
 */
final class Checks {
    private final String vp;
    private final Map<String, Guest.Holder> ns;
    private final Guest.Holder ctl;

    Checks(String vprobe, Map<String, Guest.Holder> ns, Guest.Holder ctl) {
        this.vp = vprobe;
        this.ns = ns;
        this.ctl = ctl;
    }

    /** Runs {@code argv} in namespace {@code n} ("ctl" = the control) and reports it as {@code n.id}. */
    private void at(String n, String id, String... argv) throws Exception {
        report(n + "." + id, inside(n.equals("ctl") ? ctl : ns.get(n), argv));
    }

    /** The same operation in namespace {@code n} and in the control. */
    private void both(String n, String id, String... argv) throws Exception {
        at(n, id, argv);
        at("ctl", id, argv);
    }

    private String[] vp(String... args) {
        String[] a = new String[args.length + 1];
        a[0] = vp;
        System.arraycopy(args, 0, a, 1, args.length);
        return a;
    }

    void all() throws Exception {
        spec();
        bypass();
        dispositions();
        allowLists();
    }

    /** DefenseInDepth allow-lists ({@link EnforcementGuestMain#allowList}): enforced, and observed. */
    private void allowLists() throws Exception {
        for (String n : new String[] {"al", "alobs"}) {
            at(n, "read_pub", vp("open", "/srv/out/pub"));
            at(n, "write_pub", vp("open", "/srv/out/pub", "w"));
            at(n, "write_pub2", vp("open", "/srv/out/pub2", "w"));
            at(n, "read_key", vp("open", "/srv/secret/key"));
            at(n, "create_new", vp("open", "/srv/out/new", "c"));
            at(n, "exec_cat", "cat", "/srv/out/pub");
            at(n, "exec_via_vprobe", vp("exec", "/bin/true"));
            at(n, "tcp", vp("socket", "2", "1", "0"));
            at(n, "udp", vp("socket", "2", "2", "0"));
            at(n, "unix", vp("socket", "1", "1", "0"));
            at(n, "cap_setuid", vp("cap", "setuid"));
            at(n, "cap_setgid", vp("cap", "setgid"));
            at(n, "userns", vp("userns"));
            at(n, "mount_tmpfs", vp("mount", "none", "/srv/mnt", "tmpfs"));
        }
    }

    /** Spec §16 cases 9-19, 22. */
    private void spec() throws Exception {
        String token = EnforcementGuestMain.TOKEN;
        both("a", "sa_token", "cat", token);                               // 9
        both("a", "append_etc_hosts", vp("open", "/etc/hosts", "a"));     // 12
        both("a", "touch_etc_new", "touch", "/etc/new");
        both("a", "cat_etc_hosts", "cat", "/etc/hosts");
        both("a", "ssh_dir", vp("open", "/srv/home/.ssh/id_rsa"));
        both("b", "bash", "/bin/bash", "-c", "true");                      // 13
        both("b", "sh", "/bin/sh", "-c", "true");
        at("b", "true", "/bin/true");
        both("a", "net_admin", "ip", "link", "set", "dev", "lo", "mtu", "65536"); // 14
        both("a", "chown", "chown", "nobody", "/srv/out/pub");
        both("a", "proc1_root", "ls", "/proc/1/root/");                    // 15
        at("a", "self_root", "ls", "/proc/self/root/");
        both("a", "proc1_environ", "cat", "/proc/1/environ");
        both("a", "metadata_80", vp("connect", "169.254.169.254", "80")); // 16
        both("a", "metadata_443", vp("connect", "169.254.169.254", "443"));
        both("a", "metadata_v6", vp("connect", "fd00:ec2::254", "80"));
        both("a", "metadata_mapped", vp("connect_mapped", "169.254.169.254", "80"));
        both("a", "metadata_udp", vp("sendto", "169.254.169.254", "53"));
        at("a", "localhost_80", vp("connect", "127.0.0.1", "80"));
        both("a", "cidr_443", vp("connect", "192.168.1.5", "443"));        // 17
        at("a", "cidr_9000", vp("connect", "192.168.1.5", "9000"));
        at("a", "cidr_other", vp("connect", "192.168.2.5", "443"));
        both("a", "af_alg", vp("socket", "38", "5", "0"));                 // 18
        both("a", "mount_tmpfs", vp("mount", "none", "/srv/mnt", "tmpfs")); // 19
        both("a", "fsmount_tmpfs", vp("fsmount", "tmpfs", "/srv/mnt"));
        both("a", "kcore", vp("open", "/proc/kcore"));
        both("a", "securityfs", vp("open", "/sys/kernel/security/lsm"));
        at("a", "umount", vp("umount", "/srv/um"));
        both("b", "tcp_proto0", vp("socket", "2", "1", "0"));
        at("b", "tcp_proto6", vp("socket", "2", "1", "6"));
        at("b", "udp_proto0", vp("socket", "2", "2", "0"));
        both("c", "bind_proc", vp("mount", "/proc", "/srv/mnt", "none", "bind")); // 22
        at("c", "mount_tmpfs", vp("mount", "none", "/srv/mnt", "tmpfs"));
        both("c", "umount", vp("umount", "/srv/um"));
        both("c", "userns", vp("userns"));
        at("d", "bind_proc", vp("mount", "/proc", "/srv/mnt", "none", "bind"));
        at("d", "mount_tmpfs", vp("mount", "none", "/srv/mnt", "tmpfs"));
        at("d", "umount", vp("umount", "/srv/um"));
        at("d", "proc1_environ", "cat", "/proc/1/environ");
    }

    /** peers.md F.3-F.4: ways around a path rule, an exec rule. */
    private void bypass() throws Exception {
        both("a", "secret_direct", vp("open", "/srv/secret/key"));
        at("a", "symlink_create", "ln", "-s", "/srv/secret/key", "/srv/out/l");
        at("a", "symlink_open", vp("open", "/srv/out/l"));
        at("a", "hardlink", "ln", "/srv/secret/key", "/srv/out/h");
        at("a", "rename_out", "mv", "/srv/secret/key", "/srv/out/k");
        at("a", "rename_dir_out", "mv", "/srv/secret", "/srv/out/s");
        at("a", "rename_into", "mv", "/srv/out/pub", "/srv/secret/pub");
        at("a", "rename_elsewhere", "mv", "/srv/out/pub2", "/srv/out/pub2moved");
        at("a", "chdir_relative", "sh", "-c", "cd /srv/secret && exec " + vp + " open key");
        at("a", "openat_dirfd", vp("openat", "/srv/secret", "key"));
        at("a", "proc_self_root", vp("open", "/proc/self/root/srv/secret/key"));
        at("a", "dotdot", vp("open", "/srv/out/../secret/key"));
        at("a", "opath_reopen", vp("reopen", "/srv/secret/key"));
        at("a", "io_uring_openat", vp("uring_open", "/srv/secret/key"));
        at("ctl", "io_uring_openat", vp("uring_open", "/srv/secret/key"));
        at("a", "etc_rename_into", "mv", "/srv/out/pub3", "/etc/pub3");
        at("b", "exec_symlink", "/srv/out/bashlink", "-c", "true");
        both("b", "exec_memfd", vp("memfdexec", "/bin/bash", "-c", "true"));
        both("b", "exec_ldso", "/lib64/ld-linux-x86-64.so.2", "/bin/bash", "-c", "true");
        at("b", "exec_copy", "/srv/out/notashell", "-c", "echo copy-ran");
        at("b", "exec_script", vp("open", "/bin/bash"));
    }

    /** deny / audit / deny+audit / allow, and complain. */
    private void dispositions() throws Exception {
        String token = EnforcementGuestMain.TOKEN;
        at("deny", "sa_token", "cat", token);
        at("audit", "sa_token", "cat", token);
        at("allow", "sa_token", "cat", token);
        at("complain", "sa_token", "cat", token);
        at("complain", "mount_tmpfs", vp("mount", "none", "/srv/mnt", "tmpfs"));
        at("complain", "flood", vp("bench", "open_close", "5000", "/srv/out/pub2"));
        at("audit", "flood", vp("bench", "open_close", "5000", token));
    }
}
