package org.example.varmor.landlock;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Landlock's access rights and scopes, with the ABI version that introduced each. Names are the kernel's
 * ({@code LANDLOCK_ACCESS_FS_WRITE_FILE} → {@code write_file}) and are what {@code varmor-exec --landlock} reads.
 */
public enum Access {
    EXECUTE(Kind.FS, 1), WRITE_FILE(Kind.FS, 1), READ_FILE(Kind.FS, 1), READ_DIR(Kind.FS, 1), REMOVE_DIR(Kind.FS, 1),
    REMOVE_FILE(Kind.FS, 1), MAKE_CHAR(Kind.FS, 1), MAKE_DIR(Kind.FS, 1), MAKE_REG(Kind.FS, 1), MAKE_SOCK(Kind.FS, 1),
    MAKE_FIFO(Kind.FS, 1), MAKE_BLOCK(Kind.FS, 1), MAKE_SYM(Kind.FS, 1), REFER(Kind.FS, 2), TRUNCATE(Kind.FS, 3),
    IOCTL_DEV(Kind.FS, 5),
    BIND_TCP(Kind.NET, 4), CONNECT_TCP(Kind.NET, 4),
    ABSTRACT_UNIX_SOCKET(Kind.SCOPE, 6), SIGNAL(Kind.SCOPE, 6);

    /** What a right restricts: files, TCP ports, or IPC leaving the sandbox. */
    public enum Kind { FS, NET, SCOPE }

    /** Rights a rule on a non-directory may carry (the kernel rejects the others there). */
    public static final Set<Access> FILE_RIGHTS = EnumSet.of(EXECUTE, WRITE_FILE, READ_FILE, TRUNCATE, IOCTL_DEV);

    /**
     * What denying "write" takes: writing and truncating files, and creating, removing, renaming or linking entries.
     * Entry rights are checked on the parent directory, which is why a denied path's ancestors lose them.
     */
    public static final Set<Access> WRITE = EnumSet.of(WRITE_FILE, TRUNCATE, REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR,
            MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM, REFER);

    private final Kind kind;
    private final int abi;

    Access(Kind kind, int abi) {
        this.kind = kind;
        this.abi = abi;
    }

    public Kind kind() {
        return kind;
    }

    /** The first Landlock ABI version with this right. */
    public int abi() {
        return abi;
    }

    /** The kernel's lower-case name, e.g. {@code write_file}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Access parse(String wireName) {
        return valueOf(wireName.toUpperCase(java.util.Locale.ROOT));
    }

    /** Comma-separated wire names in declaration (bit) order. */
    public static String join(Collection<Access> rights) {
        Set<Access> sorted = EnumSet.noneOf(Access.class);
        sorted.addAll(rights);
        return sorted.stream().map(Access::wireName).collect(Collectors.joining(","));
    }

    /** Parses a comma-separated list of wire names. */
    public static Set<Access> split(String list) {
        Set<Access> out = EnumSet.noneOf(Access.class);
        for (String s : list.split(",")) {
            out.add(parse(s));
        }
        return out;
    }
}
