package io.varmor.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import io.varmor.api.policy.*;
import io.varmor.api.profile.*;
import java.util.List;
import java.util.Map;

/** Behaviour recorded through BPF complain mode. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BpfResult(List<String> executions, List<FileAccess> files, List<String> capabilities, BpfNetwork network, List<BpfPtrace> ptraces, List<BpfMount> mounts) {}
