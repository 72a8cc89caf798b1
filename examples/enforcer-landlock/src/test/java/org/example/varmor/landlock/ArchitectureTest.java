package org.example.varmor.landlock;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The plugin is written against varmor's public plugin surface only: the policy API ({@code io.varmor.api..}), the
 * SPI ({@code io.varmor.core.spi..}) and the IR ({@code io.varmor.core.ir..}); its own dependency is jnr-ffi.
 */
@AnalyzeClasses(packages = "org.example.varmor.landlock", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule usesOnlyThePublicPluginSurface = classes().should().onlyDependOnClassesThat()
            .resideInAnyPackage("org.example.varmor.landlock..", "io.varmor.api..", "io.varmor.core.spi..",
                    "io.varmor.core.ir..", "jnr.ffi..", "java..");
}
