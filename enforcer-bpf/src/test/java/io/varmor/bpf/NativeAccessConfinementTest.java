package io.varmor.bpf;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** All jnr-ffi / jffi code of the BPF enforcer lives in {@code ..nativeaccess..} packages. */
class NativeAccessConfinementTest {

    @Test
    void onlyNativeaccessPackagesUseJnrFfi() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.varmor.bpf");
        noClasses().that().resideOutsideOfPackage("..nativeaccess..").should().dependOnClassesThat()
                .resideInAnyPackage("jnr..", "com.kenai.jffi..").check(classes);
    }
}
