package io.varmor.core.catalog;

import io.varmor.core.ir.FilePerm;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.Linux;
import io.varmor.core.ir.PathPattern;
import io.varmor.core.ir.PtracePerm;
import io.varmor.core.ir.SyscallArg;
import io.varmor.core.spi.RuleDefinition.Context;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.IntStream;

/** Small constructors that keep the built-in rule table readable. */
final class Ir {
    private Ir() {}

    static final FilePerm R = FilePerm.READ, W = FilePerm.WRITE, A = FilePerm.APPEND, L = FilePerm.LINK;

    static IrRule file(Context c, String glob, FilePerm... perms) {
        return new IrRule.File(PathPattern.of(glob), EnumSet.copyOf(Arrays.asList(perms)), c.disposition(), c.origin(), c.targets());
    }

    static IrRule exec(Context c, String glob) {
        return new IrRule.Exec(PathPattern.of(glob), c.disposition(), c.origin(), c.targets());
    }

    static IrRule caps(Context c, String... names) {
        SortedSet<Integer> s = new TreeSet<>();
        for (String n : names) {
            s.add(Linux.capability(n));
        }
        return new IrRule.Capability(s, c.disposition(), c.origin(), c.targets());
    }

    static IrRule capsExcept(Context c, String... except) {
        SortedSet<Integer> s = new TreeSet<>();
        IntStream.range(0, Linux.CAPABILITIES.size()).forEach(s::add);
        for (String n : except) {
            s.remove(Linux.capability(n));
        }
        return new IrRule.Capability(s, c.disposition(), c.origin(), c.targets());
    }

    static IrRule domains(Context c, Integer... domains) {
        return new IrRule.Socket(new TreeSet<>(Arrays.asList(domains)), new TreeSet<>(), new TreeSet<>(), false,
                c.disposition(), c.origin(), c.targets());
    }

    static IrRule allDomains(Context c) {
        return domains(c, IntStream.rangeClosed(0, Linux.MAX_DOMAIN).boxed().toArray(Integer[]::new));
    }

    static IrRule protocols(Context c, Integer... protocols) {
        return new IrRule.Socket(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(Arrays.asList(protocols)), true,
                c.disposition(), c.origin(), c.targets());
    }

    static IrRule connect(Context c, String cidr) {
        return new IrRule.Connect(cidr, false, null, List.of(), c.disposition(), c.origin(), c.targets());
    }

    static IrRule connectService(Context c, String namespacedName) {
        return new IrRule.Connect(null, false, namespacedName, List.of(), c.disposition(), c.origin(), c.targets());
    }

    /** A new mount (not bind/remount/move/propagation) of {@code fstype} from any source. */
    static IrRule newMount(Context c, String fstype, String source) {
        return new IrRule.Mount(PathPattern.of(source), fstype, 0, 0, true, c.disposition(), c.origin(), c.targets());
    }

    /** Bind, rbind, remount or move of a source matching {@code source}. */
    static IrRule rebind(Context c, String source) {
        return new IrRule.Mount(PathPattern.of(source), "*", Linux.MS_BIND | Linux.MS_REMOUNT | Linux.MS_MOVE, 0, false,
                c.disposition(), c.origin(), c.targets());
    }

    static IrRule anyMount(Context c) {
        return new IrRule.Mount(PathPattern.of("**"), "*", 0, 0, false, c.disposition(), c.origin(), c.targets());
    }

    static IrRule umount(Context c, String path) {
        return new IrRule.Umount(PathPattern.of(path), c.disposition(), c.origin(), c.targets());
    }

    static IrRule ptrace(Context c, boolean strict, PtracePerm... perms) {
        return new IrRule.Ptrace(EnumSet.copyOf(Arrays.asList(perms)), strict, c.disposition(), c.origin(), c.targets());
    }

    static IrRule syscall(Context c, List<String> names, SyscallArg... args) {
        return new IrRule.Syscall(names, List.of(args), c.disposition(), c.origin(), c.targets());
    }

    static SyscallArg maskedEq(int index, long mask) {
        return new SyscallArg(index, mask, mask, "SCMP_CMP_MASKED_EQ");
    }

    static SyscallArg eq(int index, long value) {
        return new SyscallArg(index, value, 0, "SCMP_CMP_EQ");
    }
}
