package io.varmor.bpf.nativeaccess;

import jnr.ffi.Pointer;

/** A program of a loaded {@link BpfObject}; valid while the object is open. */
public final class BpfProgram {
    private final Pointer prog;
    private final String name;
    private final String section;

    BpfProgram(Pointer prog, String name, String section) {
        this.prog = prog;
        this.name = name;
        this.section = section;
    }

    Pointer handle() {
        return prog;
    }

    /** Program (function) name. */
    public String name() {
        return name;
    }

    /** ELF section, e.g. {@code lsm/file_open}. */
    public String section() {
        return section;
    }

    /** {@code bpf_program__attach}: attaches according to the section type. */
    public BpfLink attach() {
        Pointer link = Native.lib().bpf_program__attach(prog);
        if (link == null) {
            throw new BpfException("bpf_program__attach " + section + " (" + name + ")", Native.errno());
        }
        return new BpfLink(link, section);
    }

    /** {@code bpf_program__attach_lsm}: attaches an {@code lsm/*} program (BPF_LINK_CREATE / raw tracepoint open). */
    public BpfLink attachLsm() {
        Pointer link = Native.lib().bpf_program__attach_lsm(prog);
        if (link == null) {
            throw new BpfException("bpf_program__attach_lsm " + section + " (" + name + ")", Native.errno());
        }
        return new BpfLink(link, section);
    }
}
