package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** An OCI runtime-spec seccomp syscall rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxSyscall(List<String> names, String action, Long errnoRet, List<LinuxSeccompArg> args) {}
