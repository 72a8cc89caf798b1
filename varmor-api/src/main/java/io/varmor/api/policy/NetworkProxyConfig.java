package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** NetworkProxy sidecar settings (parsed and preserved; no NetworkProxy enforcer yet). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkProxyConfig(MitmConfig mitm, Long proxyUID, Integer proxyPort, Integer proxyAdminPort, ResourceRequirements resources) {}
