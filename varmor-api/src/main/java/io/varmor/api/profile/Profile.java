package io.varmor.api.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import io.varmor.api.policy.*;
import java.util.List;
import java.util.Map;

/** Rendered per-enforcer payloads. bpf holds the BPF enforcer's tables as JSON; contentHashes is ours (enforcer id to SHA-256 of its payload). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Profile(String name, String enforcer, String mode, String appArmor, String seccomp, Map<String, Object> bpf, Map<String, String> contentHashes) {}
