package io.varmor.k8s.status;

import java.util.Optional;

/** The leader's behaviour models as the status service's export and import endpoints see them (spec §1.5). */
public interface ModelEndpoint {
    /** The whole model (data kept on the leader's disk included), empty when there is none. */
    Optional<?> get(String namespace, String name);

    /**
     * Imports a model given as ArmorProfileModel JSON: its behaviour is merged into the stored one (created when
     * missing) and its non-empty profiles replace the stored ones. Returns the stored model.
     *
     * @throws IllegalArgumentException when the body is not a model
     */
    Object importModel(String namespace, String name, byte[] json);
}
