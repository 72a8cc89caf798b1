package io.varmor.bpf.nativeaccess;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.function.Consumer;
import jnr.ffi.Pointer;

/**
 * Consumer of a {@code BPF_MAP_TYPE_RINGBUF} map ({@code ring_buffer__new/poll/free}). Records are copied into a
 * little-endian {@link ByteBuffer} and handed to the handler on the polling thread. Not thread-safe.
 */
public final class BpfRingBuffer implements AutoCloseable {
    private final LibBpf.SampleFn callback; // strong reference: native code calls it until free
    private final String name;
    private Pointer rb;
    private RuntimeException handlerFailure;

    private BpfRingBuffer(BpfMap map, Consumer<ByteBuffer> handler) {
        this.name = map.name();
        this.callback = (ctx, data, size) -> {
            try {
                byte[] copy = new byte[(int) size];
                data.get(0, copy, 0, copy.length);
                handler.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
                return 0;
            } catch (RuntimeException e) {
                handlerFailure = e;
                return -1;
            }
        };
        this.rb = Native.lib().ring_buffer__new(map.fd(), callback, null, null);
        if (rb == null) {
            throw new BpfException("ring_buffer__new " + name, Native.errno());
        }
    }

    /** Opens a consumer on a loaded ring-buffer map. */
    public static BpfRingBuffer open(BpfMap map, Consumer<ByteBuffer> handler) {
        return new BpfRingBuffer(map, handler);
    }

    /**
     * {@code ring_buffer__poll}: waits up to {@code timeout} and consumes available records.
     *
     * @return number of records consumed (0 on timeout or EINTR)
     */
    public int poll(Duration timeout) {
        if (rb == null) {
            throw new IllegalStateException("ring buffer closed");
        }
        int rc = Native.lib().ring_buffer__poll(rb, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        if (handlerFailure != null) {
            RuntimeException e = handlerFailure;
            handlerFailure = null;
            throw e;
        }
        if (rc == -4) {
            return 0;
        }
        if (rc < 0) {
            throw new BpfException("ring_buffer__poll " + name, -rc);
        }
        return rc;
    }

    /** {@code ring_buffer__free}. Idempotent. */
    @Override
    public void close() {
        if (rb != null) {
            Native.lib().ring_buffer__free(rb);
            rb = null;
        }
    }
}
