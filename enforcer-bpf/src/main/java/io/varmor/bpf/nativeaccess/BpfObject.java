package io.varmor.bpf.nativeaccess;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import jnr.ffi.Pointer;

/**
 * An opened libbpf object ({@code struct bpf_object}). Open, optionally disable programs, {@link #load()},
 * then look up maps and programs. Closing it unloads everything not pinned or still attached via a link.
 * Not thread-safe.
 */
public final class BpfObject implements AutoCloseable {
    private final Supplier<Pointer> opener;
    private final String name;
    private final Set<String> disabled = new HashSet<>();
    private Pointer obj;
    private boolean loaded;

    private BpfObject(Supplier<Pointer> opener, String name) {
        this.opener = opener;
        this.name = name;
        this.obj = opener.get();
    }

    /** {@code libbpf_version_string()}, e.g. {@code v1.1}. */
    public static String libbpfVersion() {
        return Native.lib().libbpf_version_string();
    }

    /** {@code bpf_object__open_file(path, NULL)}. */
    public static BpfObject openFile(Path path) {
        String p = path.toAbsolutePath().toString();
        return new BpfObject(() -> check(Native.lib().bpf_object__open_file(p, null), "bpf_object__open_file " + p),
                path.getFileName().toString());
    }

    /** {@code bpf_object__open_mem} over a copy of {@code elf} (kept alive until {@link #close()}). */
    public static BpfObject openMem(byte[] elf, String name) {
        Pointer buf = Native.copyIn(elf);
        return new BpfObject(() -> check(Native.lib().bpf_object__open_mem(buf, elf.length, null),
                "bpf_object__open_mem " + name), name);
    }

    private static Pointer check(Pointer p, String call) {
        if (p == null) {
            throw new BpfException(call, Native.errno());
        }
        return p;
    }

    /** Names of the programs in the object, in section order. */
    public List<String> programNames() {
        return programNames(obj);
    }

    private static List<String> programNames(Pointer o) {
        List<String> names = new ArrayList<>();
        for (Pointer p = Native.lib().bpf_object__next_program(o, null); p != null;
             p = Native.lib().bpf_object__next_program(o, p)) {
            names.add(Native.lib().bpf_program__name(p));
        }
        return names;
    }

    /** Excludes a program from {@link #load()} (e.g. LSM programs on a kernel that refuses them). */
    public BpfObject disableAutoload(String program) {
        if (loaded) {
            throw new IllegalStateException("already loaded");
        }
        Native.lib().bpf_program__set_autoload(program(program).handle(), false);
        disabled.add(program);
        return this;
    }

    /**
     * {@code bpf_object__load}: creates the maps and loads the programs. On failure the object is probed again,
     * quietly, to name the step that failed (map creation or which program), e.g.
     * {@code BPF_PROG_LOAD lsm/file_open (lab_file_open): EPERM}.
     */
    public void load() {
        ensureOpen();
        if (loaded) {
            throw new IllegalStateException("already loaded");
        }
        loaded = true;
        int rc = Native.lib().bpf_object__load(obj);
        if (rc < 0) {
            int errno = -rc;
            throw Native.quietly(() -> diagnose(errno));
        }
    }

    /** {@link #load()} without libbpf's own stderr messages (for probes whose failure is an expected answer). */
    public void loadQuietly() {
        Native.quietly(() -> {
            load();
            return null;
        });
    }

    private BpfException diagnose(int errno) {
        List<String> wanted = new ArrayList<>(programNames());
        wanted.removeAll(disabled);
        BpfException mapFailure = tryLoad(List.of(), "BPF_MAP_CREATE (maps of " + name + ")");
        if (mapFailure != null) {
            return mapFailure;
        }
        for (String prog : wanted) {
            BpfException e = tryLoad(List.of(prog), null);
            if (e != null) {
                return e;
            }
        }
        return new BpfException("bpf_object__load " + name, errno);
    }

    /** Loads a fresh copy with only {@code programs} enabled; returns the failure, or null. */
    private BpfException tryLoad(List<String> programs, String call) {
        Pointer o;
        try {
            o = opener.get();
        } catch (BpfException e) {
            return e;
        }
        try {
            String failing = null;
            for (Pointer p = Native.lib().bpf_object__next_program(o, null); p != null;
                 p = Native.lib().bpf_object__next_program(o, p)) {
                boolean on = programs.contains(Native.lib().bpf_program__name(p));
                Native.lib().bpf_program__set_autoload(p, on);
                if (on) {
                    failing = "BPF_PROG_LOAD " + Native.lib().bpf_program__section_name(p) + " ("
                            + Native.lib().bpf_program__name(p) + ")";
                }
            }
            int rc = Native.lib().bpf_object__load(o);
            return rc < 0 ? new BpfException(call != null ? call : failing, -rc) : null;
        } finally {
            Native.lib().bpf_object__close(o);
        }
    }

    /** @throws BpfException when the object has no such map */
    public BpfMap map(String mapName) {
        ensureOpen();
        Pointer m = Native.lib().bpf_object__find_map_by_name(obj, mapName);
        if (m == null) {
            throw new BpfException("bpf_object__find_map_by_name " + mapName + " in " + name, 2);
        }
        return BpfMap.ofObject(m, mapName);
    }

    /** Names of the maps in the object (including libbpf's internal .rodata/.bss maps). */
    public List<String> mapNames() {
        ensureOpen();
        List<String> names = new ArrayList<>();
        for (Pointer m = Native.lib().bpf_object__next_map(obj, null); m != null;
             m = Native.lib().bpf_object__next_map(obj, m)) {
            names.add(Native.lib().bpf_map__name(m));
        }
        return names;
    }

    /** Before {@link #load()}: the map's capacity. */
    public BpfObject setMaxEntries(String mapName, int maxEntries) {
        int rc = Native.lib().bpf_map__set_max_entries(rawMap(mapName), maxEntries);
        if (rc < 0) {
            throw new BpfException("bpf_map__set_max_entries " + mapName, -rc);
        }
        return this;
    }

    /**
     * Before {@link #load()}: pin the map at {@code path}; when a compatible map is pinned there already, the load
     * reuses it (its contents survive), otherwise it creates and pins a new one.
     */
    public BpfObject setPinPath(String mapName, String path) {
        int rc = Native.lib().bpf_map__set_pin_path(rawMap(mapName), path);
        if (rc < 0) {
            throw new BpfException("bpf_map__set_pin_path " + mapName, -rc);
        }
        return this;
    }

    private Pointer rawMap(String mapName) {
        ensureOpen();
        if (loaded) {
            throw new IllegalStateException("already loaded");
        }
        Pointer m = Native.lib().bpf_object__find_map_by_name(obj, mapName);
        if (m == null) {
            throw new BpfException("bpf_object__find_map_by_name " + mapName + " in " + name, 2);
        }
        return m;
    }

    /** @throws BpfException when the object has no such program */
    public BpfProgram program(String programName) {
        ensureOpen();
        Pointer p = Native.lib().bpf_object__find_program_by_name(obj, programName);
        if (p == null) {
            throw new BpfException("bpf_object__find_program_by_name " + programName + " in " + name, 2);
        }
        return new BpfProgram(p, programName, Native.lib().bpf_program__section_name(p));
    }

    private void ensureOpen() {
        if (obj == null) {
            throw new IllegalStateException("bpf object " + name + " is closed");
        }
    }

    /** {@code bpf_object__close}. Idempotent. */
    @Override
    public void close() {
        if (obj != null) {
            Native.lib().bpf_object__close(obj);
            obj = null;
        }
    }
}
