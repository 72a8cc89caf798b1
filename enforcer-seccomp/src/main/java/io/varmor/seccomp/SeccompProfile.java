package io.varmor.seccomp;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * An OCI runtime-spec {@code LinuxSeccomp} document: the Kubernetes {@code Localhost} profile format that runc, crun and
 * containerd read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"defaultAction", "defaultErrnoRet", "architectures", "syscalls"})
public record SeccompProfile(String defaultAction, Long defaultErrnoRet, List<String> architectures, List<Syscall> syscalls) {

    /** One syscall rule. Conditions on the same argument index are alternatives (runtimes OR them). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"names", "action", "errnoRet", "args"})
    public record Syscall(List<String> names, String action, Long errnoRet, List<Arg> args) {}

    /** One argument condition. */
    @JsonPropertyOrder({"index", "value", "valueTwo", "op"})
    public record Arg(int index, long value, long valueTwo, String op) {}
}
