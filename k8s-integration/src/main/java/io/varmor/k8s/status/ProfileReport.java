package io.varmor.k8s.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One agent's result for one ArmorProfile (vArmor's {@code ProfileStatus} plus {@code specHash}).
 *
 * @param armorProfile the ArmorProfile name
 * @param specHash hash of the spec the agent processed ({@code KubeJson.specHash}); results for an older spec are ignored
 * @param status {@code succeeded} or {@code failed}
 * @param message {@code Ready}, or why loading failed on this node
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProfileReport(String namespace, String armorProfile, String specHash, String status, String message) {
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public boolean succeeded() {
        return SUCCEEDED.equals(status);
    }
}
