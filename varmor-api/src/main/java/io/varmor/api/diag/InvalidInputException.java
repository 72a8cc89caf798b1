package io.varmor.api.diag;

import java.util.List;

/** Thrown when a document is rejected; carries every problem found, not only the first. */
public class InvalidInputException extends RuntimeException {
    private final List<Diagnostic> diagnostics;

    public InvalidInputException(List<Diagnostic> diagnostics) {
        super(summarize(diagnostics));
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    private static String summarize(List<Diagnostic> ds) {
        StringBuilder sb = new StringBuilder(ds.size() + " error(s)");
        for (Diagnostic d : ds) {
            sb.append("\n  ").append(d.format("<input>"));
        }
        return sb.toString();
    }
}
