package io.varmor.seccomp.hostreal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/** Compares probe output with expected errnos, reporting every mismatch at once. */
public final class Expect {
    private Expect() {}

    /** A shell script running every case with the probe at {@code probe}, chmod targets in {@code dir}. */
    public static String script(String probe, String dir, List<ProbeCase> cases) {
        StringBuilder sb = new StringBuilder();
        for (ProbeCase c : cases) {
            sb.append(probe);
            c.args(dir).forEach(a -> sb.append(' ').append(a));
            sb.append("; ");
        }
        return sb.append("true").toString();
    }

    /** Asserts that case {@code i} ended with {@code expected.applyAsInt(case)}; {@code out} is quoted on failure. */
    public static void results(String label, List<ProbeCase> cases, ToIntFunction<ProbeCase> expected, Proc.Output out) {
        List<Map.Entry<String, Integer>> got = ProbeCase.parse(out.stdout());
        assertEquals(cases.size(), got.size(), label + ": one RESULT line per case\n" + out.all());
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            ProbeCase c = cases.get(i);
            int want = expected.applyAsInt(c);
            assertEquals(c.subcommand(), got.get(i).getKey(), label + ": output order");
            if (got.get(i).getValue() != want) {
                wrong.add(c.key() + ": expected " + name(want) + ", got " + name(got.get(i).getValue()));
            }
        }
        assertEquals(List.of(), wrong, label + "\n" + out.all());
    }

    static String name(int errno) {
        return switch (errno) {
            case 0 -> "success";
            case -1 -> "setup failure";
            case ProbeCase.EPERM -> "EPERM";
            case ProbeCase.ENOSYS -> "ENOSYS";
            default -> "errno " + errno;
        };
    }
}
