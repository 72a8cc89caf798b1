package io.varmor.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import io.varmor.api.policy.*;
import io.varmor.api.profile.*;
import java.util.List;
import java.util.Map;

/** Behaviour recorded through AppArmor complain mode. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppArmorResult(List<String> profiles, List<String> executions, List<FileAccess> files, List<String> capabilities, AppArmorNetworks networks, List<PeerAccess> ptraces, List<SignalAccess> signals, List<String> unhandled) {}
