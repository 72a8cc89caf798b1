package io.varmor.core.ir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/** Syscall name ↔ number tables for x86_64 and i386 (the 32-bit entry point a filter must also cover). */
public final class Syscalls {
    public static final Syscalls X86_64 = load("syscalls-x86_64.txt");
    public static final Syscalls I386 = load("syscalls-i386.txt");

    private final Map<String, Integer> byName;

    private Syscalls(Map<String, Integer> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    public boolean known(String name) {
        return byName.containsKey(name);
    }

    public OptionalInt number(String name) {
        Integer n = byName.get(name);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    /** The name of a syscall number, or {@code syscall_<n>} when unknown. */
    public String name(int number) {
        for (Map.Entry<String, Integer> e : byName.entrySet()) {
            if (e.getValue() == number) {
                return e.getKey();
            }
        }
        return "syscall_" + number;
    }

    public Map<String, Integer> all() {
        return byName;
    }

    private static Syscalls load(String resource) {
        Map<String, Integer> m = new LinkedHashMap<>();
        try (InputStream in = Syscalls.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                m.put(f[0], Integer.parseInt(f[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Syscalls(m);
    }
}
