package io.varmor.api.diag;

/**
 * One problem found in an input document.
 *
 * @param id stable error id
 * @param path field path inside the document, e.g. {@code spec.policy.enhanceProtect.hardeningRules[2]}
 * @param line 1-based line in the source, 0 when unknown
 * @param column 1-based column in the source, 0 when unknown
 * @param message what is wrong and, where possible, how to fix it
 */
public record Diagnostic(ErrorId id, String path, int line, int column, String message) {

    /** Formats as {@code SOURCE:LINE:COL: ERROR_ID: message (at PATH)}. */
    public String format(String source) {
        return source + ":" + line + ":" + column + ": " + id.id() + ": " + message
                + (path == null || path.isEmpty() ? "" : " (at " + path + ")");
    }
}
