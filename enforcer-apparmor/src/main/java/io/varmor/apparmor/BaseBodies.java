package io.varmor.apparmor;

import io.varmor.core.ir.Disposition;
import java.util.ArrayList;
import java.util.List;

/**
 * The bodies a profile's rules are layered on (spec §6.2), as unindented lines.
 *
 * <p>RuntimeDefault follows the semantics of the container runtimes' default profile, written here from its
 * description: broad file, network and capability access; signals from the runtime and within the profile family;
 * ptrace only within the family; and, with the policy's qualifier, no writes to procfs outside the process
 * directories and {@code /proc/sys/kernel/shm*}, no access to raw kernel memory and the magic SysRq trigger, no mounts,
 * no writes to sysfs outside the cgroup tree, and no access at all to firmware, powercap and securityfs.
 */
final class BaseBodies {
    private BaseBodies() {}

    /** Everything allowed. */
    static List<String> alwaysAllow() {
        return List.of("file,", "capability,", "network,", "mount,", "remount,", "umount,", "pivot_root,", "ptrace,",
                "signal,", "dbus,", "unix,");
    }

    /** RuntimeDefault with each deny line qualified by {@code d}; {@code profile} is the top-level profile name. */
    static List<String> runtimeDefault(String profile, Disposition d) {
        String q = Qualifier.of(d);
        String family = AaSyntax.family(profile);
        List<String> l = new ArrayList<>();
        l.add("file,");
        l.add("network,");
        l.add("unix,");
        l.add("capability,");
        l.add("umount,");
        l.add("signal (receive) peer=unconfined,");
        l.add("signal (receive) peer={runc,crun},");
        l.add("signal (send, receive) peer=" + family + ",");
        l.add("ptrace (trace, read, tracedby, readby) peer=" + family + ",");
        // procfs: only the per-process directories and /proc/sys/kernel/shm* stay writable
        l.add(q + "/proc/* w,");
        // a first component that is neither all digits (a pid) nor "sys"
        l.add(q + "/proc/{[^0-9s/]*,[0-9]*[^0-9/]*,s,s[^y/]*,sy,sy[^s/]*,sys?*}/** w,");
        l.add(q + "/proc/sys/" + otherThan("kernel") + "/** w,");
        l.add(q + "/proc/sys/kernel/" + notStartingWith("shm") + "{,/**} w,");
        l.add(q + "/proc/{sysrq-trigger,mem,kmem,kcore} " + Qualifier.withExec("rwklx", d) + ",");
        l.add(q + "mount,");
        // sysfs: read-only except the cgroup tree; firmware, powercap and securityfs closed entirely
        l.add(q + "/sys/" + otherThan("fs") + "/** " + Qualifier.withExec("wklx", d) + ",");
        l.add(q + "/sys/fs/" + otherThan("cgroup") + "/** " + Qualifier.withExec("wklx", d) + ",");
        l.add(q + "/sys/{firmware,devices/virtual/powercap,kernel/security}/** " + Qualifier.withExec("rwklx", d) + ",");
        return l;
    }

    /** A path component other than {@code word}: {@code {[^w/]*,w,w[^o/]*,wo,...,word?*}}. */
    static String otherThan(String word) {
        return "{" + String.join(",", prefixAlternatives(word)) + "," + word + "?*}";
    }

    /** A path component that does not start with {@code prefix}. */
    static String notStartingWith(String prefix) {
        return "{" + String.join(",", prefixAlternatives(prefix)) + "}";
    }

    private static List<String> prefixAlternatives(String word) {
        List<String> alts = new ArrayList<>();
        for (int i = 0; i < word.length(); i++) {
            String head = word.substring(0, i);
            if (i > 0) {
                alts.add(head);
            }
            alts.add(head + "[^" + word.charAt(i) + "/]*");
        }
        return alts;
    }
}
