package io.varmor.core.ir;

/** ptrace permissions: acting on a peer (trace, read) or being acted on (traceby, readby). */
public enum PtracePerm { TRACE, READ, TRACEBY, READBY }
