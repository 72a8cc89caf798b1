package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** Raw BPF enforcer rules. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BpfRawRules(List<FileRule> files, List<FileRule> processes, NetworkRule network, PtraceRule ptrace, List<MountRule> mounts) {}
