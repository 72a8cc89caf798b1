package io.varmor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestCommandTest {

    @Test
    void requestScriptRecordsPidChangesDirectoryExportsAndExecsQuotedArgv() {
        String s = GuestCommand.argv(List.of("printf", "%s|", "it's", "$HOME")).cwd(Path.of("/work"))
                .env("A", "x y").script(Path.of("/s/c1.pid"));
        assertEquals("""
                echo $$ > '/s/c1.pid'
                cd '/work' || exit 125
                export 'A=x y'
                exec 'printf' '%s|' 'it'\\''s' '$HOME'
                """, s);
    }

    @Test
    void requestScriptRunsTheSameOutputUnderARealShell(@TempDir Path dir) throws Exception {
        String script = GuestCommand.argv(List.of("printf", "%s|", "it's", "$HOME", "a\nb")).cwd(dir)
                .env("A", "x'y").script(dir.resolve("pid"));
        assertEquals("it's|$HOME|a\nb|", sh(script, dir));
        String shell = GuestCommand.shell("echo \"$A\" $(basename \"$PWD\")").cwd(dir).env("A", "x'y")
                .script(dir.resolve("pid"));
        assertEquals("x'y " + dir.getFileName() + "\n", sh(shell, dir));
    }

    @Test
    void rejectsInvalidEnvironmentNamesAndEmptyArgv() {
        assertThrows(IllegalArgumentException.class, () -> GuestCommand.shell("true").env("A-B", "1"));
        assertThrows(IllegalArgumentException.class, () -> GuestCommand.argv(List.of()));
    }

    private static String sh(String script, Path dir) throws IOException, InterruptedException {
        Path f = dir.resolve("req.sh");
        Files.writeString(f, script);
        Process p = new ProcessBuilder("sh", f.toString()).redirectErrorStream(true).start();
        p.waitFor(10, TimeUnit.SECONDS);
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
