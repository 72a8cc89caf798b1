package io.varmor.apparmor;

import io.varmor.api.model.AppArmorResult;
import io.varmor.api.model.BpfResult;
import io.varmor.api.model.DynamicResult;
import io.varmor.api.model.FileAccess;
import io.varmor.api.model.SocketUse;
import io.varmor.core.ir.Linux;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deny-by-default AppArmor profile from a behaviour model (spec §6.2, "profile from model"): only what was
 * recorded is allowed — executables (inherit), file accesses with their permissions, capabilities, socket families
 * and types, ptrace and signal peers — on top of {@code abstractions/base}. Mounts are never allowed (a workload
 * that mounts is not a DefenseInDepth candidate). Both AppArmor complain records and BPF complain events feed it.
 * Deterministic: the same model gives the same text.
 */
final class ModelProfile {
    private ModelProfile() {}

    static String render(String profileName, DynamicResult model) {
        SortedSet<String> exec = new TreeSet<>();
        SortedMap<String, SortedSet<String>> files = new TreeMap<>();
        SortedSet<String> caps = new TreeSet<>();
        SortedSet<String> network = new TreeSet<>();
        SortedSet<String> peers = new TreeSet<>();
        AppArmorResult aa = model == null ? null : model.appArmor();
        if (aa != null) {
            exec.addAll(orEmpty(aa.executions()));
            orEmpty(aa.files()).forEach(f -> addFile(files, f, false));
            orEmpty(aa.capabilities()).forEach(c -> caps.add(capability(c)));
            if (aa.networks() != null) {
                orEmpty(aa.networks().sockets()).forEach(s -> network.add(network(s)));
            }
            orEmpty(aa.ptraces()).forEach(p -> peers.add("ptrace (" + String.join(", ", orEmpty(p.permissions()))
                    + ") peer=" + p.peer() + ","));
        }
        BpfResult bpf = model == null ? null : model.bpf();
        if (bpf != null) {
            exec.addAll(orEmpty(bpf.executions()));
            orEmpty(bpf.files()).forEach(f -> addFile(files, f, true));
            orEmpty(bpf.capabilities()).forEach(c -> caps.add(capability(c)));
            if (bpf.network() != null) {
                orEmpty(bpf.network().sockets()).forEach(s -> network.add(network(s)));
            }
        }
        network.remove("network,"); // never widen a deny-by-default profile to every family from an unnamed record
        StringBuilder sb = new StringBuilder();
        sb.append(ProfileRenderer.HEADER).append('\n');
        sb.append("# varmor: generated from a behaviour model; everything not listed is denied\n\n");
        sb.append("abi <abi/3.0>,\n\n#include <tunables/global>\n\n");
        sb.append("profile ").append(profileName).append(' ').append(ProfileRenderer.FLAGS).append(" {\n");
        sb.append("  #include <abstractions/base>\n");
        section(sb, "executables", exec.stream().map(e -> AaSyntax.literalPath(e) + " rix,").toList());
        section(sb, "files", files.entrySet().stream()
                .map(e -> AaSyntax.path(e.getKey()) + " " + String.join("", e.getValue()) + ",").toList());
        section(sb, "capabilities", caps.stream().map(c -> "capability " + c + ",").toList());
        section(sb, "network", List.copyOf(network));
        List<String> own = List.of("signal (send, receive) peer=" + profileName + ",",
                "ptrace (trace, read, readby, tracedby) peer=" + profileName + ",",
                "signal (receive) peer=unconfined,");
        section(sb, "the profile's own processes, and signals from the node (varmor forwards TERM/HUP)", own);
        section(sb, "ptrace", List.copyOf(peers));
        sb.append("}\n");
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        sb.append("\n  # ").append(title).append('\n');
        lines.forEach(l -> sb.append("  ").append(l).append('\n'));
    }

    /** Permissions in AppArmor letters, in AppArmor's canonical order; {@code w} absorbs {@code a}. */
    private static void addFile(SortedMap<String, SortedSet<String>> files, FileAccess f, boolean bpfWords) {
        if (f.path() == null || AaSyntax.pathProblem(f.path()).isPresent()) {
            return;
        }
        SortedSet<String> perms = files.computeIfAbsent(f.path(), k -> new TreeSet<>(ModelProfile::order));
        for (String p : orEmpty(f.permissions())) {
            String letter = bpfWords ? switch (p) {
                case "read" -> "r";
                case "write" -> "w";
                case "append" -> "a";
                case "link" -> "l";
                default -> "";
            } : p;
            if (!letter.isEmpty() && "rwamkl".contains(letter)) {
                perms.add(letter);
            }
        }
        if (perms.contains("w")) {
            perms.remove("a");
        }
        if (perms.isEmpty()) {
            files.remove(f.path());
        }
    }

    private static int order(String a, String b) {
        return Integer.compare("rwamkl".indexOf(a), "rwamkl".indexOf(b));
    }

    private static String capability(String c) {
        String n = c.toLowerCase(Locale.ROOT);
        return n.startsWith("cap_") ? n.substring(4) : n;
    }

    /** {@code network FAMILY [TYPE],}: AppArmor names (numbers from BPF events are translated). */
    private static String network(SocketUse s) {
        String family = name(s.domain(), Linux.DOMAINS);
        String type = name(s.type(), Linux.SOCKET_TYPES);
        if (family == null) {
            return "network,";
        }
        return "network " + family + (type == null ? "" : " " + type) + ",";
    }

    private static String name(String v, java.util.Map<String, Integer> names) {
        if (v == null || v.isEmpty() || v.equals("null")) {
            return null;
        }
        if (v.chars().allMatch(Character::isDigit)) {
            int n = Integer.parseInt(v);
            return names.entrySet().stream().filter(e -> e.getValue() == n).map(java.util.Map.Entry::getKey)
                    .findFirst().orElse(null);
        }
        return v.toLowerCase(Locale.ROOT).replaceFirst("^(af|sock)_", "");
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }
}
