package io.varmor.api.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One line of the violation log, with vArmor's {@code violations.log} fields, plus {@code ruleId}: the built-in rule
 * id or raw-rule field path that decided (ours; vArmor does not say which rule fired).
 *
 * @param action one of {@code DENIED}, {@code AUDIT}, {@code ALLOWED}, {@code AUDIT|ALLOWED}
 * @param enforcer one of {@code AppArmor}, {@code BPF}, {@code Seccomp}, {@code NetworkProxy}, or a plugin's name
 * @param event enforcer-specific details ({@code operation}, {@code path}, {@code permissions}, {@code syscall}, ...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ViolationEvent(
        String level,
        Map<String, String> metadata,
        String nodeName,
        String podUID,
        String podName,
        String podNamespace,
        String containerID,
        String containerName,
        String image,
        Long pid,
        Long mntNsID,
        Long eventTimestamp,
        String enforcer,
        String action,
        String profileName,
        String policyKind,
        String policyName,
        String policyNamespace,
        String ruleId,
        Map<String, Object> event,
        String time,
        String message) {}
