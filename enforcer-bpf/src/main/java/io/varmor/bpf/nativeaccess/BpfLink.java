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

    /** {@code bpf_link__destroy}. Idempotent. */
    @Override
    public void close() {
        if (link != null) {
            Native.lib().bpf_link__destroy(link);
            link = null;
        }
    }
}
