package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** BPF socket and egress rules. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkRule(List<NetworkSocketRule> sockets, NetworkEgressRule egress) {}
