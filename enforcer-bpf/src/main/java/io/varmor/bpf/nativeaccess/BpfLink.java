package io.varmor.bpf.nativeaccess;

import jnr.ffi.Pointer;

/** An attachment ({@code struct bpf_link}); closing it detaches unless it was pinned. */
public final class BpfLink implements AutoCloseable {
    private Pointer link;
    private final String what;

    BpfLink(Pointer link, String what) {
        this.link = link;
        this.what = what;
    }

    /** {@code bpf_link__pin}: keeps the attachment alive in bpffs after this process exits. */
    public void pin(String bpffsPath) {
        if (link == null) {
            throw new IllegalStateException("link destroyed");
        }
        int rc = Native.lib().bpf_link__pin(link, bpffsPath);
        if (rc < 0) {
            throw new BpfException("bpf_link__pin " + what + " at " + bpffsPath, -rc);
        }
    }

    /**
     * Whether a live link is pinned at {@code bpffsPath} ({@code bpf_link__open}; the handle is released again, which
     * does not detach a pinned link).
     */
    public static boolean pinnedAt(String bpffsPath) {
        if (!java.nio.file.Files.exists(java.nio.file.Path.of(bpffsPath))) {
            return false;
        }
        Pointer l = Native.lib().bpf_link__open(bpffsPath);
        if (l == null) {
            return false;
        }
        Native.lib().bpf_link__destroy(l);
        return true;
    }

    /** {@code bpf_link__destroy}. Idempotent. */
    @Override
    public void close() {
        if (link != null) {
            Native.lib().bpf_link__destroy(link);
            link = null;
        }
    }
}
