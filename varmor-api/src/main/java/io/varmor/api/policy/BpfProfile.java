package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.model.BpfResult;

/**
 * DefenseInDepth BPF source (varmor's extension; vArmor has no BPF allow-lists): the allow-list of a behaviour model
 * ({@code BehaviorModel}), or one written out ({@code Custom}, {@code allowList} in the shape of an
 * ArmorProfileModel's {@code data.dynamicResult.bpf}). Executions, files with permissions, socket kinds, capabilities
 * and ptrace are allowed as listed; everything else of these kinds, every mount and user-namespace creation is refused.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BpfProfile(String profileType, BpfResult allowList) {}
