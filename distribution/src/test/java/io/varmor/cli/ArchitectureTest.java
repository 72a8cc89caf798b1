package io.varmor.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module boundaries of DESIGN.md §2, executable. */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.varmor");
    }

    @Test
    void theApiDependsOnJacksonAndTheJdkOnly() {
        noClasses().that().resideInAPackage("io.varmor.api..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.varmor.api..", "java..", "com.fasterxml.jackson..")
                .check(classes);
    }

    @Test
    void theCoreUsesNoKubernetesNativeOrWiringLibrariesAndNoPlugin() {
        noClasses().that().resideInAPackage("io.varmor.core..")
                .should().dependOnClassesThat().resideInAnyPackage("jnr..", "io.fabric8..", "com.google.inject..", "picocli..",
                        "io.varmor.seccomp..", "io.varmor.apparmor..", "io.varmor.bpf..", "io.varmor.cli..", "io.varmor.k8s..")
                .check(classes);
    }

    @Test
    void enforcerPluginsDoNotReachIntoEachOther() {
        noClasses().that().resideInAPackage("io.varmor.seccomp..")
                .should().dependOnClassesThat().resideInAnyPackage("io.varmor.apparmor..", "io.varmor.bpf..").check(classes);
        noClasses().that().resideInAPackage("io.varmor.apparmor..")
                .should().dependOnClassesThat().resideInAnyPackage("io.varmor.seccomp..", "io.varmor.bpf..").check(classes);
        noClasses().that().resideInAPackage("io.varmor.bpf..")
                .should().dependOnClassesThat().resideInAnyPackage("io.varmor.seccomp..", "io.varmor.apparmor..").check(classes);
    }

    @Test
    void onlyTheKubernetesIntegrationTalksToKubernetes() {
        noClasses().that().resideOutsideOfPackage("io.varmor.k8s..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fabric8..")
                .check(classes);
    }

    @Test
    void nativeCallsLiveOnlyInNativeaccessPackages() {
        noClasses().that().resideOutsideOfPackage("..nativeaccess..")
                .should().dependOnClassesThat().resideInAnyPackage("jnr.ffi..", "jnr.posix..")
                .check(classes);
    }
}
