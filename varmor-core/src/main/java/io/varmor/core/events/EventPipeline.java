package io.varmor.core.events;

import io.varmor.api.event.ViolationEvent;
import io.varmor.core.spi.EventSink;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decouples event producers (ring-buffer and audit readers) from sinks with a bounded queue and one worker thread:
 * a slow sink or a flooding target cannot block the kernel readers; what does not fit is counted in {@link #dropped()}.
 */
public final class EventPipeline implements EventSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventPipeline.class.getName());
    private static final ViolationEvent STOP = new ViolationEvent(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null);

    private final BlockingQueue<ViolationEvent> queue;
    private final List<EventSink> sinks;
    private final AtomicLong dropped = new AtomicLong();
    private final java.util.Map<String, AtomicLong> lostUpstream = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private final Thread worker;

    public EventPipeline(int capacity, List<EventSink> sinks) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sinks = List.copyOf(sinks);
        this.worker = new Thread(this::drain, "varmor-events");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    @Override
    public void accept(ViolationEvent event) {
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    private void drain() {
        try {
            while (true) {
                ViolationEvent e = queue.take();
                if (e == STOP) {
                    return;
                }
                for (EventSink s : sinks) {
                    try {
                        s.accept(e);
                    } catch (RuntimeException ex) {
                        LOG.log(Level.WARNING, "event sink failed", ex);
                    }
                }
                delivered.incrementAndGet();
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** Events that did not fit in the queue. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void lost(String enforcer, long count, String reason) {
        lostUpstream.computeIfAbsent(enforcer, k -> new AtomicLong()).addAndGet(count);
        LOG.fine(enforcer + ": " + count + " events lost before they reached varmor (" + reason + ")");
    }

    /** Events each enforcer reported lost before they reached this pipeline ({@link EventSink#lost}). */
    public java.util.Map<String, Long> lostUpstream() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        lostUpstream.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public long delivered() {
        return delivered.get();
    }

    /** Delivers what is queued, then stops. */
    @Override
    public void close() {
        try {
            queue.put(STOP);
            worker.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (EventSink s : sinks) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ex) {
                    LOG.log(Level.WARNING, "closing event sink failed", ex);
                }
            }
        }
    }
}
