package io.varmor.k8s.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.model.DynamicResult;

/**
 * One node's learned behaviour for one modelling ArmorProfile ({@code POST /apis/v1/data}, vArmor's
 * {@code BehaviorData}), sent by the agent when the modelling duration is over.
 *
 * @param nodeName must equal the node the caller's token is bound to
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BehaviorData(String namespace, String armorProfile, String nodeName, DynamicResult dynamicResult) {}
