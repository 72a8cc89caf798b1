package io.varmor.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs inside the kernel lab guest: executes {@code varmor run} scenarios in one JVM (JVM start-up under emulation
 * is the expensive part) and prints one {@code RESULT <name> <exit> <events-file>} line per scenario for the host
 * test to assert on. Arguments: groups of {@code name policy cmd...} separated by {@code ;;}. A policy of the form
 * {@code @model:ENFORCER} runs {@code varmor model --enforcer ENFORCER} instead, writing
 * {@code /tmp/varmor-lab-model/<name>.policy.yaml} for later scenarios and printing the model as a
 * {@code MODEL <name> <yaml>} line.
 */
public final class LabScenarios {
    static final String MODEL_DIR = "/tmp/varmor-lab-model";

    private LabScenarios() {}

    public static void main(String[] args) throws Exception {
        List<List<String>> groups = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        for (String a : args) {
            if (a.equals(";;")) {
                groups.add(cur);
                cur = new ArrayList<>();
            } else {
                cur.add(a);
            }
        }
        if (!cur.isEmpty()) {
            groups.add(cur);
        }
        Path dir = Files.createDirectories(Path.of("/tmp/varmor-lab-events"));
        for (List<String> g : groups) {
            String name = g.get(0);
            Path events = dir.resolve(name + ".jsonl");
            Files.deleteIfExists(events);
            List<String> cli = new ArrayList<>(g.get(1).startsWith("@model:")
                    ? List.of("model", "--enforcer", g.get(1).substring(7), "--name", name, "--out", MODEL_DIR, "--")
                    : List.of("run", "--policy", g.get(1), "--events", events.toString(), "--"));
            cli.addAll(g.subList(2, g.size()));
            PrintStream err = System.err;
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = VarmorCli.run(cli.toArray(String[]::new));
            } finally {
                System.setErr(err);
            }
            System.err.print(buf.toString(StandardCharsets.UTF_8));
            String ev = Files.exists(events) ? Files.readString(events).replace('\n', '\u0001') : "";
            System.out.println("RESULT " + name + " " + code + " " + ev);
            Path model = Path.of(MODEL_DIR, name + ".model.yaml");
            if (g.get(1).startsWith("@model:") && Files.exists(model)) {
                System.out.println("MODEL " + name + " " + Files.readString(model).replace('\n', '\u0001'));
            }
        }
    }
}
