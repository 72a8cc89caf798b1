package io.varmor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.ArmorProfile;
import io.varmor.api.Resource;
import io.varmor.api.io.Manifests;
import io.varmor.api.io.ParsedDocument;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example policy (equivalents of vArmor's published examples, spec §11.3) parses, round-trips and compiles. */
class ExamplePoliciesTest {
    static Stream<Path> policies() throws Exception {
        return Fixtures.examplePolicies().stream();
    }

    private final PolicyCompiler compiler = new PolicyCompiler(Plugins.discover(), CompileOptions.DEFAULT);

    @ParameterizedTest
    @MethodSource("policies")
    void parseWriteParseIsTheIdentity(Path file) throws Exception {
        List<ParsedDocument> docs = Manifests.parse(Files.readString(file));
        for (ParsedDocument d : docs) {
            Resource again = Manifests.parse(Manifests.toYaml(d.resource())).get(0).resource();
            assertEquals(d.resource(), again, "YAML round trip of " + file);
            Resource fromJson = Manifests.parse(Manifests.toJson(d.resource())).get(0).resource();
            assertEquals(d.resource(), fromJson, "JSON round trip of " + file);
        }
    }

    /**
     * Compiles every policy of a file; a DefenseInDepth policy with {@code profileType: BehaviorModel} against stand-ins
     * for its model (what admission checks it with; the operator compiles it against the completed model).
     */
    private List<CompiledPolicy> compileAll(String text) {
        List<CompiledPolicy> out = new java.util.ArrayList<>();
        for (ParsedDocument d : Manifests.parse(text)) {
            io.varmor.api.PolicyResource p = (io.varmor.api.PolicyResource) d.resource();
            if (io.varmor.core.model.ModelPolicies.usesBehaviorModel(p)) {
                p = io.varmor.core.model.ModelPolicies.withPlaceholderModel(p,
                        io.varmor.core.validate.PolicyValidator.profileName(p, CompileOptions.DEFAULT.varmorNamespace()));
            }
            out.add(compiler.compile(p, d.sourceMap()));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("policies")
    void compilesDeterministicallyWithAnArtefactPerSelectedEnforcer(Path file) throws Exception {
        String text = Files.readString(file);
        List<CompiledPolicy> first = compileAll(text);
        List<CompiledPolicy> second = compileAll(text);
        assertFalse(first.isEmpty());
        for (int i = 0; i < first.size(); i++) {
            CompiledPolicy c = first.get(i);
            ArmorProfile ap = c.armorProfile();
            assertNotNull(ap.spec().profile());
            assertEquals(c.ir().profileName(), ap.metadata().name());
            assertTrue(ap.metadata().name().length() <= 63);
            assertEquals(Manifests.toYaml(ap), Manifests.toYaml(second.get(i).armorProfile()), "deterministic output");
            for (String e : c.ir().enforcers()) {
                if (!e.equals("NetworkProxy")) {
                    assertTrue(c.artifacts().containsKey(e), e + " artefact for " + file);
                    assertEquals(c.artifacts().get(e).contentHash(), ap.spec().profile().contentHashes().get(e));
                }
            }
            ArmorProfile reparsed = Manifests.parseOne(Manifests.toYaml(ap), ArmorProfile.class);
            assertEquals(ap, reparsed, "ArmorProfile round trip");
        }
    }
}
