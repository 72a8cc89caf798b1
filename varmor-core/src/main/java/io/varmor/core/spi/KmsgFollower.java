package io.varmor.core.spi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows the kernel log ({@code /dev/kmsg}) for enforcers whose events are kernel log records (Seccomp's
 * {@code type=1326}, AppArmor's without an audit daemon): passes each wanted record logged after it started (the text
 * after the kmsg header), reopens the log when the ring buffer overtook it (EPIPE), counts the records the kernel says
 * it lost or suppressed ({@code audit_lost=N}, {@code kauditd_printk_skb: N callbacks suppressed}), and drains before
 * closing: it writes a marker into the log and reads up to it, then until the log has been quiet for 300 ms, so that
 * what was logged just before (a denial as the target exits) is delivered.
 */
public final class KmsgFollower implements AutoCloseable {
    public static final Path KMSG = Path.of("/dev/kmsg");
    private static final Pattern LOST = Pattern.compile("(?:audit_lost=|kauditd_printk_skb: )(\\d+)");

    private final Predicate<String> wanted;
    private final Consumer<String> records;
    private final long startMicros;
    private final AtomicLong lost = new AtomicLong();
    private final String marker;
    private final Thread thread;
    private volatile CountDownLatch reached = new CountDownLatch(1);
    private volatile long lastLineNanos = System.nanoTime();
    private volatile boolean closed;

    /**
     * Starts following.
     *
     * @param name    the reader thread's name
     * @param wanted  which records (text after the header) to pass on
     * @param records receives them, on the reader thread
     */
    public KmsgFollower(String name, Predicate<String> wanted, Consumer<String> records) {
        this(wanted, records, true, name);
    }

    /** Without a reader thread: lines are fed to {@link #handle} (tests). */
    static KmsgFollower unstarted(Predicate<String> wanted, Consumer<String> records) {
        return new KmsgFollower(wanted, records, false, "kmsg-test");
    }

    private KmsgFollower(Predicate<String> wanted, Consumer<String> records, boolean start, String name) {
        this.wanted = wanted;
        this.records = records;
        this.startMicros = uptimeMicros() - 50_000;
        this.marker = "varmor-kmsg-sync " + Long.toHexString(System.nanoTime()) + "-" + Integer.toHexString(hashCode());
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
        if (start) {
            this.thread.start();
        }
    }

    private void loop() {
        while (!closed) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(KMSG), StandardCharsets.UTF_8))) {
                for (String line; !closed && (line = r.readLine()) != null; ) {
                    handle(line);
                }
            } catch (IOException e) {
                if (closed || !Files.isReadable(KMSG)) {
                    return;
                }
                // EPIPE: records were overwritten while we read; reopen and continue
            }
        }
    }

    /** One kmsg line ({@code prio,seq,usec,flags;text}). */
    void handle(String line) {
        lastLineNanos = System.nanoTime();
        int semi = line.indexOf(';');
        if (semi < 0) {
            return;
        }
        if (line.startsWith(marker, semi + 1)) {
            reached.countDown();
            return;
        }
        if (!afterStart(line, semi)) {
            return;
        }
        String text = line.substring(semi + 1);
        if (wanted.test(text)) {
            records.accept(text);
            return;
        }
        Matcher m = LOST.matcher(text);
        if (m.find()) {
            lost.addAndGet(Long.parseLong(m.group(1)));
        }
    }

    private boolean afterStart(String line, int semi) {
        String[] head = line.substring(0, semi).split(",");
        try {
            return head.length < 3 || Long.parseLong(head[2]) >= startMicros;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Records the kernel reported as lost or suppressed since this follower started (node-wide). */
    public long lost() {
        return lost.get();
    }

    /**
     * Waits until what the kernel logged before this call has been read: writes a marker into the log and waits for
     * the reader to reach it; audit records reach the log through the kauditd thread after a delay, so the reader then
     * goes on until the log has been quiet for 300 ms (all within {@code timeout}). False when the marker could not be
     * written (not root) or was not reached in time.
     */
    public boolean drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CountDownLatch latch = new CountDownLatch(1);
        reached = latch;
        try {
            Files.writeString(KMSG, "<6>" + marker + "\n");
            boolean ok = latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            while (System.nanoTime() < deadline && System.nanoTime() - lastLineNanos < 300_000_000L) {
                Thread.sleep(50);
            }
            return ok;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Drains (at most 3 s), then stops. */
    @Override
    public void close() {
        if (!closed) {
            drain(Duration.ofSeconds(3));
            closed = true;
            thread.interrupt();
        }
    }

    static long uptimeMicros() {
        try {
            return (long) (Double.parseDouble(Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0]) * 1e6);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
