package io.varmor.core.validate;

import io.varmor.api.diag.Diagnostic;
import io.varmor.api.diag.ErrorId;
import io.varmor.api.io.SourceMap;
import java.util.ArrayList;
import java.util.List;

/** Collects errors (with positions from the source map) and warnings while a policy is checked. */
public final class Problems {
    private final SourceMap map;
    private final List<Diagnostic> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    public Problems(SourceMap map) {
        this.map = map == null ? new SourceMap() : map;
    }

    public void error(ErrorId id, String path, String message) {
        SourceMap.Position p = map.locate(path);
        errors.add(new Diagnostic(id, path, p.line(), p.column(), message));
    }

    public void warn(String path, String message) {
        warnings.add(message + " (at " + path + ")");
    }

    public List<Diagnostic> errors() {
        return errors;
    }

    public List<String> warnings() {
        return warnings;
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
