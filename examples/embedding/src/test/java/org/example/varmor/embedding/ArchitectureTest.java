package org.example.varmor.embedding;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The embedding program uses varmor's public library surface only: the policy API and the SPI/IR, plus the
 * embedding entry points (compile, plugin discovery, the local runner and event sinks). Not the catalogue, the
 * validator's internals, behaviour modelling, nor any enforcer's classes (enforcers are found with ServiceLoader).
 */
@AnalyzeClasses(packages = "org.example.varmor.embedding", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule usesOnlyThePublicLibrarySurface = classes().should().onlyDependOnClassesThat()
            .resideInAnyPackage("org.example.varmor.embedding..", "io.varmor.api..", "io.varmor.core.spi..",
                    "io.varmor.core.ir..", "io.varmor.core.compile..", "io.varmor.core.plugin..", "io.varmor.core.engine..",
                    "io.varmor.core.events..", "java..");
}
