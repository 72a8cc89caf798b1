package io.varmor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code varmor} command. */
@Command(name = "varmor", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Container sandbox: vArmor-compatible policies compiled into kernel enforcement.",
        subcommands = {RulesCommand.class, ValidateCommand.class, CompileCommand.class, RunCommand.class, DoctorCommand.class, DemoCommand.class, LabCommand.class, ModelCommand.class, SimulateCommand.class, OperatorCommand.class, AgentCommand.class,
            CommandLine.HelpCommand.class})
public final class VarmorCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--plugins", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "Load enforcer and rule plugins from the jars in DIR (repeatable; also VARMOR_PLUGIN_PATH).")
    void plugins(java.nio.file.Path dir) {
        Cli.PLUGIN_DIRS.add(dir);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (for tests). */
    public static int run(String... args) {
        Cli.PLUGIN_DIRS.clear();
        return new CommandLine(new VarmorCli()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    if (ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException) {
                        System.err.println("varmor: " + ex.getMessage());
                        return Cli.USAGE;
                    }
                    System.err.println("varmor: internal error: " + ex);
                    if (System.getenv("VARMOR_DEBUG") != null) {
                        ex.printStackTrace();
                    } else {
                        System.err.println("(set VARMOR_DEBUG=1 for the stack trace)");
                    }
                    return 70;
                })
                .execute(args);
    }
}
