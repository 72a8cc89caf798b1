package io.varmor.cli;

import picocli.CommandLine;

/** Reports the version recorded in the jar manifest. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VarmorCli.class.getPackage().getImplementationVersion();
        return new String[] {"varmor " + (v == null ? "development build" : v),
            "API crd.varmor.org/v1beta1, Java " + System.getProperty("java.version")};
    }
}
