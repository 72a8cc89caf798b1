package io.varmor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code varmor} command. */
@Command(name = "varmor", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Container sandbox: vArmor-compatible policies compiled into kernel enforcement.",
        subcommands = {RulesCommand.class, ValidateCommand.class, CompileCommand.class, RunCommand.class, DoctorCommand.class, DemoCommand.class,
            CommandLine.HelpCommand.class})
public final class VarmorCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (for tests). */
    public static int run(String... args) {
        return new CommandLine(new VarmorCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }
}
