package io.varmor.bpf.nativeaccess;

/** The one libc call the BPF side needs: closing file descriptors obtained from bpf(2). */
public interface LibC {
    int close(int fd);
}
