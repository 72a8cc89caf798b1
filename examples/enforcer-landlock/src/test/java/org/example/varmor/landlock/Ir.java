package org.example.varmor.landlock;

import io.varmor.core.ir.Disposition;
import io.varmor.core.ir.FilePerm;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.Mode;
import io.varmor.core.ir.PathPattern;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.ir.PortRange;
import io.varmor.core.ir.PtracePerm;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Builds IR by hand, as a plugin's tests can: the IR is public API. */
final class Ir {
    private Ir() {}

    static IrRule.File file(String glob, FilePerm... perms) {
        return file(Disposition.DENY, glob, perms);
    }

    static IrRule.File file(Disposition d, String glob, FilePerm... perms) {
        return new IrRule.File(PathPattern.of(glob), EnumSet.copyOf(List.of(perms)), d, "file:" + glob, List.of());
    }

    static IrRule.Exec exec(String glob) {
        return new IrRule.Exec(PathPattern.of(glob), Disposition.DENY_AUDIT, "exec:" + glob, List.of());
    }

    static IrRule.Connect connect(int from, int to) {
        return new IrRule.Connect(null, false, null, List.of(new PortRange(from, to)), Disposition.DENY_AUDIT, "connect:" + from, List.of());
    }

    static IrRule.Ptrace ptrace(boolean strict, PtracePerm... perms) {
        return new IrRule.Ptrace(EnumSet.copyOf(List.of(perms)), strict, Disposition.DENY, "ptrace", List.of());
    }

    static PolicyIR policy(IrRule... rules) {
        return policy(Mode.ENHANCE_PROTECT, PolicyIR.Base.RUNTIME_DEFAULT, false, rules);
    }

    static PolicyIR policy(Mode mode, PolicyIR.Base base, boolean complain, IrRule... rules) {
        return new PolicyIR("varmor-test-landlock", "VarmorPolicy", "test", "landlock", Set.of("Landlock"), mode, false,
                base, Disposition.DENY, complain, List.of(rules), null);
    }
}
