package io.varmor.k8s.status;

import java.util.Map;
import java.util.Optional;

/** Turns an agent's bearer token into the node it may report for; empty when the token is not an agent's. */
@FunctionalInterface
public interface AgentAuthenticator {
    Optional<AgentIdentity> authenticate(String bearerToken);

    /** Fixed tokens (tests, out-of-cluster development). */
    static AgentAuthenticator fixed(Map<String, String> tokenToNode) {
        return token -> Optional.ofNullable(tokenToNode.get(token)).map(n -> new AgentIdentity(n, null));
    }
}
