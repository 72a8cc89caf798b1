package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** An OCI runtime-spec seccomp argument condition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxSeccompArg(Integer index, Long value, Long valueTwo, String op) {}
