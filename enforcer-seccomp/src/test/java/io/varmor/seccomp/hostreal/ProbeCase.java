package io.varmor.seccomp.hostreal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One probe invocation ({@code src/test/c/probe.c}) and the errno expected under a profile containing the rule it
 * belongs to: {@code 0} for controls that must keep working. Without the rule every case must succeed.
 *
 * @param subcommand probe subcommand
 * @param mode octal mode for the chmod family, else null
 * @param errnoUnderRule expected errno under the rule (0: success)
 */
public record ProbeCase(String subcommand, String mode, int errnoUnderRule) {
    public static final int EPERM = 1;
    public static final int ENOSYS = 38;
    private static final Pattern RESULT = Pattern.compile("^RESULT (\\S+) (OK|ERR (\\d+).*|SETUP.*)$", Pattern.MULTILINE);

    /** A label unique within a rule's cases, also used as the chmod target file name. */
    public String key() {
        return mode == null ? subcommand : subcommand + "-" + mode;
    }

    /** The probe's argv (after the binary), with chmod targets in {@code dir}. */
    public List<String> args(String dir) {
        List<String> a = new ArrayList<>(List.of(subcommand));
        if (mode != null) {
            a.add(dir + "/" + key());
            a.add(mode);
        }
        return a;
    }

    /** Whether this case's syscall is fchmodat2, which libseccomp before 2.5.5 cannot name. */
    public boolean fchmodat2() {
        return subcommand.equals("fchmodat2");
    }

    /** The probe cases for each Seccomp rule varmor ships: forbidden actions, plus controls that must still work. */
    public static Map<String, List<ProbeCase>> byRule() {
        Map<String, List<ProbeCase>> m = new LinkedHashMap<>();
        m.put("disallow-create-user-ns", List.of(c("userns-unshare", EPERM), c("userns-clone", EPERM),
                c("userns-clone3", ENOSYS), c("userns-unshare-i386", EPERM), c("mntns-unshare", 0), c("i386-getpid", 0)));
        m.put("disallow-load-all-bpf-prog", List.of(c("bpf-prog-load", EPERM)));
        m.put("disallow-load-bpf-via-setsockopt", List.of(c("so-attach-filter", EPERM), c("so-attach-reuseport-cbpf", EPERM)));
        m.put("disallow-userfaultfd-creation", List.of(c("userfaultfd", EPERM)));
        m.put("disallow-io-uring", List.of(c("io-uring", EPERM)));
        m.put("dirty-pipe-mitigation", List.of(c("splice", EPERM)));
        m.put("disable-chmod-x-bit", List.of(ch("chmod", "0755", EPERM), ch("chmod", "0100", EPERM), ch("chmod", "0010", EPERM),
                ch("chmod", "0001", EPERM), ch("fchmod", "0755", EPERM), ch("fchmodat", "0755", EPERM),
                ch("fchmodat2", "0100", EPERM), ch("chmod", "0644", 0), ch("fchmodat", "0600", 0), ch("chmod", "04644", 0)));
        m.put("disable-chmod-s-bit", List.of(ch("chmod", "04644", EPERM), ch("chmod", "02644", EPERM), ch("fchmod", "04644", EPERM),
                ch("fchmodat", "02644", EPERM), ch("fchmodat2", "04644", EPERM), ch("chmod", "0644", 0), ch("chmod", "0755", 0)));
        return m;
    }

    private static ProbeCase c(String sub, int errno) {
        return new ProbeCase(sub, null, errno);
    }

    private static ProbeCase ch(String sub, String mode, int errno) {
        return new ProbeCase(sub, mode, errno);
    }

    /**
     * Parses probe output: subcommand → errno (0 for OK, -1 for a setup failure), in order of appearance. Cases are
     * matched by position because one subcommand may appear with several modes.
     */
    public static List<Map.Entry<String, Integer>> parse(String stdout) {
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        Matcher m = RESULT.matcher(stdout);
        while (m.find()) {
            int errno = m.group(2).equals("OK") ? 0 : m.group(3) != null ? Integer.parseInt(m.group(3)) : -1;
            out.add(Map.entry(m.group(1), errno));
        }
        return out;
    }
}
