package io.varmor.bpf.kernel;

import io.varmor.bpf.BpfCompiler;
import io.varmor.bpf.BpfTables;
import io.varmor.core.ir.PathPattern;
import java.util.ArrayList;
import java.util.List;

/** A profile with one file rule of every shape. */
public final class Shapes {
    private Shapes() {}

    public static BpfTables allShapes() {
        List<BpfTables.PathRow> rows = new ArrayList<>();
        for (String g : PathMatchingAgreesWithGlobTest.PATTERNS) {
            rows.add(BpfCompiler.path(PathPattern.of(g), 0x4, BpfTables.DENY, g));
        }
        return new BpfTables(2, "p", "enforce", List.of(), rows, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of());
    }
}
