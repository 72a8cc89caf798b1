package io.varmor.k8s.operator;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A de-duplicating work queue drained by {@code workers} threads: a key queued again while waiting is processed once,
 * a key is never processed by two workers at once (queued again while in flight, it runs after), and a key that fails
 * is retried with backoff (0.2 s doubling to 30 s, at most {@code maxRetries} times).
 */
public final class KeyQueue<K> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KeyQueue.class.getName());

    private final String name;
    private final Predicate<K> worker;
    private final int maxRetries;
    private final Set<K> pending = new LinkedHashSet<>();
    private final java.util.Map<K, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "-retry"));
    private final java.util.List<Thread> threads = new java.util.ArrayList<>();
    private final Set<K> inFlight = new java.util.HashSet<>();
    private volatile boolean closed;

    /**
     * @param worker processes one key; returns false (or throws) to have it retried
     */
    public KeyQueue(String name, Predicate<K> worker, int maxRetries) {
        this(name, worker, maxRetries, 1);
    }

    public KeyQueue(String name, Predicate<K> worker, int maxRetries, int workers) {
        this.name = name;
        this.worker = worker;
        this.maxRetries = maxRetries;
        for (int i = 0; i < workers; i++) {
            Thread t = daemon(this::run, workers == 1 ? "" : "-" + i);
            threads.add(t);
            t.start();
        }
    }

    private Thread daemon(Runnable r, String suffix) {
        Thread t = new Thread(r, "varmor-" + name + suffix);
        t.setDaemon(true);
        return t;
    }

    public void add(K key) {
        synchronized (pending) {
            if (!closed && pending.add(key)) {
                pending.notifyAll();
            }
        }
    }

    /** Keys waiting plus keys being processed. */
    public int depth() {
        synchronized (pending) {
            return pending.size() + inFlight.size();
        }
    }

    private void run() {
        while (true) {
            K key;
            synchronized (pending) {
                while ((key = next()) == null && !closed) {
                    try {
                        pending.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                inFlight.add(key);
            }
            boolean ok;
            try {
                ok = worker.test(key);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, name + ": " + key + ": " + e.getMessage(), e);
                ok = false;
            }
            synchronized (pending) {
                inFlight.remove(key);
                pending.notifyAll();
            }
            if (ok) {
                failures.remove(key);
            } else {
                int n = failures.merge(key, 1, Integer::sum);
                if (n <= maxRetries && !closed) {
                    long delay = Math.min(30_000, 200L << Math.min(n - 1, 10));
                    K again = key;
                    retry.schedule(() -> add(again), delay, TimeUnit.MILLISECONDS);
                } else {
                    failures.remove(key);
                    LOG.warning(name + ": giving up on " + key + " after " + maxRetries + " retries");
                }
            }
        }
    }

    /** The first waiting key no other worker holds (removed from the queue), or null. */
    private K next() {
        for (var it = pending.iterator(); it.hasNext(); ) {
            K k = it.next();
            if (!inFlight.contains(k)) {
                it.remove();
                return k;
            }
        }
        return null;
    }

    @Override
    public void close() {
        synchronized (pending) {
            closed = true;
            pending.clear();
            pending.notifyAll();
        }
        retry.shutdownNow();
        threads.forEach(Thread::interrupt);
    }
}
