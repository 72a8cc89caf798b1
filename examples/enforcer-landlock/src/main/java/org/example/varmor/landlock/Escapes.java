package org.example.varmor.landlock;

import java.nio.charset.StandardCharsets;

/**
 * Paths in line-based files: a backslash, and every control character, is written as {@code \ooo} (three octal digits
 * of the byte), so a path is always the rest of one line. {@code varmor-exec} decodes the same way.
 */
final class Escapes {
    private Escapes() {}

    static String escape(String path) {
        StringBuilder b = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c < 0x20 || c == 0x7f) {
                b.append('\\').append(String.format("%03o", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String unescape(String text) {
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\\' && i + 3 < in.length && octal(in[i + 1], '3') && octal(in[i + 2], '7') && octal(in[i + 3], '7')) {
                out.write(((in[i + 1] - '0') << 6) | ((in[i + 2] - '0') << 3) | (in[i + 3] - '0'));
                i += 3;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean octal(byte b, char max) {
        return b >= '0' && b <= max;
    }
}
