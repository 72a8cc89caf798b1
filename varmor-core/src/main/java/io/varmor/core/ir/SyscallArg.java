package io.varmor.core.ir;

/** A seccomp argument condition with OCI operator names ({@code SCMP_CMP_MASKED_EQ}, ...). */
public record SyscallArg(int index, long value, long valueTwo, String op) {}
