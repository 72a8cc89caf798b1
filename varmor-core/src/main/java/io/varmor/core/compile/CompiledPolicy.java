package io.varmor.core.compile;

import io.varmor.api.ArmorProfile;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.spi.EnforcerProfile;
import java.util.List;
import java.util.Map;

/**
 * The result of compiling one policy.
 *
 * @param artifacts compiled artefact per enforcer id, for the enforcers the policy selected and the classpath provides
 * @param coverage for each rule origin, the enforcers that enforce it
 * @param warnings things the user should know that do not stop compilation
 */
public record CompiledPolicy(ArmorProfile armorProfile, PolicyIR ir, Map<String, EnforcerProfile> artifacts,
                             Map<String, List<String>> coverage, List<String> warnings) {}
