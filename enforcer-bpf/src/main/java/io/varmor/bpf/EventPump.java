package io.varmor.bpf;

import io.varmor.api.event.ViolationEvent;
import io.varmor.bpf.nativeaccess.BpfMap;
import io.varmor.bpf.nativeaccess.BpfRingBuffer;
import io.varmor.core.spi.EventSink;
import io.varmor.core.spi.TargetBinding;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Drains the ring buffer on one thread and hands events to the sinks registered per mount namespace through a bounded
 * queue and a delivery thread: a slow sink or a flooding target can fill the queue, never block the drain; what does
 * not fit is counted in {@link #dropped()}. Records of namespaces nobody observes are discarded (counted in
 * {@link #unobserved()}).
 */
final class EventPump implements AutoCloseable {
    /** One observed namespace: its sink, the kernel's drop counter when it started, its own queue drops. */
    private record Watch(TargetBinding target, EventSink sink, long kernelDropsAtStart, AtomicLong queueDrops) {}

    private record Item(Watch watch, ViolationEvent event) {}

    private final BpfRingBuffer ring;
    private final IntFunction<List<String>> rulesOf;
    private final Map<Long, Watch> watches = new ConcurrentHashMap<>();
    private final BlockingQueue<Item> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unobserved = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final long bootEpochNanos;
    private final Object pollLock = new Object();
    private final Thread drain;
    private final Thread deliver;
    private volatile boolean running = true;

    private final java.util.function.LongSupplier kernelDrops;

    /** @param kernelDrops events the kernel could not put into the ring buffer so far (node-wide counter) */
    EventPump(BpfMap events, IntFunction<List<String>> rulesOf, int capacity, java.util.function.LongSupplier kernelDrops) {
        this.rulesOf = rulesOf;
        this.kernelDrops = kernelDrops;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.bootEpochNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        this.ring = BpfRingBuffer.open(events, this::onRecord);
        this.drain = new Thread(this::drainLoop, "varmor-bpf-ringbuf");
        this.deliver = new Thread(this::deliverLoop, "varmor-bpf-events");
        drain.setDaemon(true);
        deliver.setDaemon(true);
        drain.start();
        deliver.start();
    }

    /**
     * Starts delivering the events of {@code target}'s mount namespace to {@code sink}; close to stop. Closing tells
     * the sink what was lost while it watched ({@link EventSink#lost}): events its queue had no room for, and the
     * ring-buffer drops of the node in that time (the kernel counts them per node, so some may have been others').
     */
    AutoCloseable watch(TargetBinding target, EventSink sink) {
        long ns = target.mountNamespaceId();
        Watch w = new Watch(target, sink, kernelDrops.getAsLong(), new AtomicLong());
        watches.put(ns, w);
        return () -> {
            flush();
            watches.remove(ns, w);
            long kernel = kernelDrops.getAsLong() - w.kernelDropsAtStart();
            if (kernel > 0) {
                sink.lost("BPF", kernel, "the node's ring buffer was full");
            }
            if (w.queueDrops().get() > 0) {
                sink.lost("BPF", w.queueDrops().get(), "the event queue was full");
            }
        };
    }

    /** Events lost because the queue to the sinks was full. */
    long dropped() {
        return dropped.get();
    }

    long unobserved() {
        return unobserved.get();
    }

    long delivered() {
        return delivered.get();
    }

    /** Reads what the ring buffer holds now and waits (bounded) until the queue is delivered. */
    void flush() {
        synchronized (pollLock) {
            ring.poll(Duration.ZERO);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void onRecord(ByteBuffer b) {
        BpfEventDecoder.Header h = BpfEventDecoder.header(b);
        Watch w = watches.get(h.mntNs());
        if (w == null) {
            unobserved.incrementAndGet();
            return;
        }
        ViolationEvent e = BpfEventDecoder.decode(b, w.target(), rulesOf.apply(h.profile()), bootEpochNanos);
        if (!queue.offer(new Item(w, e))) {
            dropped.incrementAndGet();
            w.queueDrops().incrementAndGet();
        }
    }

    private void drainLoop() {
        while (running) {
            try {
                synchronized (pollLock) {
                    ring.poll(Duration.ofMillis(50));
                }
                Thread.onSpinWait();
            } catch (RuntimeException e) {
                if (running) {
                    System.err.println("varmor: BPF ring buffer: " + e.getMessage());
                    sleep(100);
                }
            }
        }
    }

    private void deliverLoop() {
        while (running || !queue.isEmpty()) {
            try {
                Item i = queue.poll(100, TimeUnit.MILLISECONDS);
                if (i != null) {
                    try {
                        i.watch().sink().accept(i.event());
                        delivered.incrementAndGet();
                    } catch (RuntimeException e) {
                        // a failing sink must not stop delivery to the others
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            drain.join(1000);
            deliver.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (pollLock) {
            ring.close();
        }
    }
}
