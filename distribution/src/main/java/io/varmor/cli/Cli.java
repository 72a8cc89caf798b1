package io.varmor.cli;

import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;

/** Shared wiring for subcommands: plugin discovery and the compiler. */
final class Cli {
    /** Exit code for rejected input. */
    static final int INVALID = 1;
    /** Exit code for usage errors and unreadable files (picocli's convention). */
    static final int USAGE = 2;

    private Cli() {}

    /** Plugin directories: {@code --plugins DIR} options, then {@code VARMOR_PLUGIN_PATH} (colon-separated). */
    static final java.util.List<java.nio.file.Path> PLUGIN_DIRS = new java.util.ArrayList<>();

    static Plugins plugins() {
        java.util.List<java.nio.file.Path> dirs = new java.util.ArrayList<>(PLUGIN_DIRS);
        String env = System.getenv("VARMOR_PLUGIN_PATH");
        if (env != null) {
            for (String d : env.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(java.nio.file.Path.of(d));
                }
            }
        }
        return Plugins.discover(Cli.class.getClassLoader(), dirs);
    }

    static PolicyCompiler compiler(Plugins plugins) {
        return new PolicyCompiler(plugins, CompileOptions.DEFAULT);
    }
}
