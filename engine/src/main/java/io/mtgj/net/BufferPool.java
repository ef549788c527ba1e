package io.mtgj.net;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Off-heap buffers of one size, owned by one reactor thread. Keeps a live count that other threads may read (tests,
 * metrics) and fails loudly on a double release.
 */
public final class BufferPool
{
    private final int capacity;
    private final int maxIdle;
    private final ArrayDeque<PooledBuffer> idle;
    private final AtomicInteger inUse = new AtomicInteger();

    /**
     * @param capacity bytes per buffer.
     * @param maxIdle  free buffers kept for reuse; more are dropped for the GC to reclaim.
     */
    public BufferPool(final int capacity, final int maxIdle)
    {
        this.capacity = capacity;
        this.maxIdle = maxIdle;
        this.idle = new ArrayDeque<>(maxIdle);
    }

    /**
     * @return a buffer, reused when one is free.
     */
    public PooledBuffer lease()
    {
        PooledBuffer buffer = idle.pollLast();
        if (null == buffer)
        {
            buffer = new PooledBuffer(capacity);
        }
        buffer.leased(true);
        inUse.lazySet(inUse.get() + 1);
        return buffer;
    }

    /**
     * @param buffer a buffer leased from this pool and not yet released.
     * @throws IllegalStateException on a double release.
     */
    public void release(final PooledBuffer buffer)
    {
        if (!buffer.isLeased())
        {
            throw new IllegalStateException("buffer released twice");
        }
        buffer.leased(false);
        inUse.lazySet(inUse.get() - 1);
        if (idle.size() < maxIdle)
        {
            idle.addLast(buffer);
        }
    }

    /**
     * @return buffers leased and not released; safe to read from any thread.
     */
    public int inUse()
    {
        return inUse.get();
    }

    /**
     * @return bytes per buffer.
     */
    public int capacity()
    {
        return capacity;
    }
}
