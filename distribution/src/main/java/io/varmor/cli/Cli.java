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

    static Plugins plugins() {
        return Plugins.discover(Cli.class.getClassLoader());
    }

    static PolicyCompiler compiler(Plugins plugins) {
        return new PolicyCompiler(plugins, CompileOptions.DEFAULT);
    }
}
