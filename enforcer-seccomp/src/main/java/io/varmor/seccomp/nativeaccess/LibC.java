package io.varmor.seccomp.nativeaccess;

/** The few libc calls the seccomp binding needs. */
public interface LibC {
    int open(String path, int flags, int mode);

    int close(int fd);
}
