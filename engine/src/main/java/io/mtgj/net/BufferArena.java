package io.mtgj.net;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The off-heap buffers of one reactor, drawn from a fixed budget of bytes (its share of {@code --buffer-memory}).
 * A connection leases a buffer only while it has bytes in flight and gives it back when drained, so memory follows
 * what is in flight, not how many connections are open (capacity.md).
 * <p>
 * <b>Backpressure.</b> When the budget is spent, {@link #lease} answers null and the caller waits in line
 * ({@link #await}) with its reads stopped; each buffer given back goes to the oldest waiter that it fits, so nobody
 * is refused or closed for want of memory and waiters are served in arrival order. A new lease never jumps the line.
 * <p>
 * <b>Reserve.</b> The last {@link #reserveBytes()} of the budget are only for priority leases (handshakes, cloaking,
 * a shared upstream's connections), whose own line is served first: relays holding everything cannot stop a handshake.
 * <p>
 * <b>Sizes.</b> Buffers come in a few capacities (the read and write buffer sizes, a shared upstream's chunk),
 * each with a stack of free ones for reuse. Free buffers beyond a sixteenth of the budget, and any that stand in the
 * way of a lease of another size, are freed at once, so a burst's memory goes back to the system.
 * <p>
 * Owned by one reactor thread; the gauges ({@link #leasedBytes()} and the rest) may be read from any thread.
 */
public final class BufferArena
{
    private static final int MAX_SIZE_CLASSES = 4;
    /** Free buffers kept for reuse, at most this share of the budget: enough for bursts, little idle memory. */
    private static final int IDLE_DIVISOR = 16;

    private final long budgetBytes;
    private final long reserveBytes;
    private final long maxIdleBytes;
    private final int[] capacities = new int[MAX_SIZE_CLASSES];
    @SuppressWarnings("unchecked")
    private final ArrayDeque<PooledBuffer>[] idle = new ArrayDeque[MAX_SIZE_CLASSES];
    private final ArrayDeque<BufferWaiter> priorityWaiters = new ArrayDeque<>();
    private final ArrayDeque<BufferWaiter> waiters = new ArrayDeque<>();
    private int sizeClasses;
    private long leased;
    private long allocated;
    private long idleBytes;
    private int waiting;
    private final AtomicLong leasedGauge = new AtomicLong();
    private final AtomicLong leasedBuffersGauge = new AtomicLong();
    private final AtomicLong waitingGauge = new AtomicLong();
    private final AtomicLong waitsCounter = new AtomicLong();

    /**
     * @param budgetBytes  the most bytes its buffers may take, leased and free together (alignment included).
     * @param reserveBytes the part of it only priority leases may use.
     */
    BufferArena(final long budgetBytes, final long reserveBytes)
    {
        if (budgetBytes <= 0 || reserveBytes < 0 || reserveBytes >= budgetBytes)
        {
            throw new IllegalArgumentException("arena of " + budgetBytes + " bytes with a reserve of " + reserveBytes);
        }
        this.budgetBytes = budgetBytes;
        this.reserveBytes = reserveBytes;
        this.maxIdleBytes = budgetBytes / IDLE_DIVISOR;
    }

    /**
     * @param budgetBytes   the arena's budget.
     * @param largestBuffer the largest capacity it will lease.
     * @return a reserve that lets a few priority leases through: a sixteenth of the budget, at least two of the
     *         largest buffers, at most a quarter of the budget.
     */
    static long reserveFor(final long budgetBytes, final int largestBuffer)
    {
        final long twoBuffers = 2L * (largestBuffer + PooledBuffer.ALIGNMENT_BYTES);
        return Math.min(budgetBytes / 4, Math.max(budgetBytes / 16, twoBuffers));
    }

    /**
     * @param capacity bytes wanted.
     * @param priority whether the reserve may be used (handshakes, cloaking, a shared upstream's connections).
     * @return a buffer, or null when the budget is spent or others already wait: then {@link #await}.
     */
    public PooledBuffer lease(final int capacity, final boolean priority)
    {
        if (!(priority ? priorityWaiters : waiters).isEmpty())
        {
            return null; // first come, first served
        }
        return tryLease(capacity, priority);
    }

    private PooledBuffer tryLease(final int capacity, final boolean priority)
    {
        final long cost = cost(capacity);
        if (leased + cost > (priority ? budgetBytes : budgetBytes - reserveBytes))
        {
            return null;
        }
        final int sizeClass = sizeClass(capacity);
        PooledBuffer buffer = idle[sizeClass].pollLast();
        if (null != buffer)
        {
            idleBytes -= cost;
        }
        else
        {
            makeRoom(cost, sizeClass);
            buffer = new PooledBuffer(capacity);
            allocated += cost;
        }
        buffer.leased(true);
        leased += cost;
        publish();
        leasedBuffersGauge.lazySet(leasedBuffersGauge.get() + 1);
        return buffer;
    }

    /**
     * Free idle buffers of other sizes (then of this one) until a new buffer fits the budget: the lease check above
     * guarantees enough idle bytes exist.
     */
    private void makeRoom(final long cost, final int forClass)
    {
        for (int pass = 0; pass < 2 && allocated + cost > budgetBytes; pass++)
        {
            for (int i = 0; i < sizeClasses && allocated + cost > budgetBytes; i++)
            {
                if ((0 == pass) == (i != forClass))
                {
                    freeIdle(i, allocated + cost - budgetBytes);
                }
            }
        }
    }

    private void freeIdle(final int sizeClass, final long bytes)
    {
        final long cost = cost(capacities[sizeClass]);
        long freed = 0;
        while (freed < bytes && !idle[sizeClass].isEmpty())
        {
            idle[sizeClass].pollFirst().free();
            allocated -= cost;
            idleBytes -= cost;
            freed += cost;
        }
    }

    /**
     * Wait in line for a buffer of {@link BufferWaiter#wantedCapacity()} bytes; the waiter must have stopped reading.
     *
     * @param waiter   who waits.
     * @param priority whether it may use the reserve, and is served before the others.
     */
    public void await(final BufferWaiter waiter, final boolean priority)
    {
        (priority ? priorityWaiters : waiters).addLast(waiter);
        waiting++;
        waitingGauge.lazySet(waiting);
        waitsCounter.lazySet(waitsCounter.get() + 1);
        serveWaiters(); // room may have been there for it, just not for the one ahead
    }

    /**
     * A waiter stopped waiting without a buffer (it closed); its place in line is skipped when reached.
     */
    public void cancel(final BufferWaiter waiter)
    {
        waiting--;
        waitingGauge.lazySet(waiting);
    }

    /**
     * @param buffer a buffer leased from this arena and not yet released.
     * @throws IllegalStateException on a double release.
     */
    public void release(final PooledBuffer buffer)
    {
        if (!buffer.isLeased())
        {
            throw new IllegalStateException("buffer released twice");
        }
        buffer.leased(false);
        final long cost = cost(buffer.capacity());
        leased -= cost;
        leasedBuffersGauge.lazySet(leasedBuffersGauge.get() - 1);
        if (idleBytes + cost > maxIdleBytes && priorityWaiters.isEmpty() && waiters.isEmpty())
        {
            buffer.free();
            allocated -= cost;
        }
        else
        {
            idle[sizeClass(buffer.capacity())].addLast(buffer);
            idleBytes += cost;
        }
        publish();
        serveWaiters();
    }

    private void serveWaiters()
    {
        serve(priorityWaiters, true);
        if (priorityWaiters.isEmpty())
        {
            serve(waiters, false);
        }
    }

    private void serve(final ArrayDeque<BufferWaiter> line, final boolean priority)
    {
        BufferWaiter next;
        while (null != (next = line.peekFirst()))
        {
            if (!next.isWaitingForBuffer())
            {
                line.pollFirst(); // closed while waiting
                continue;
            }
            final PooledBuffer buffer = tryLease(next.wantedCapacity(), priority);
            if (null == buffer)
            {
                return;
            }
            line.pollFirst();
            waiting--;
            waitingGauge.lazySet(waiting);
            next.onBufferGranted(buffer);
        }
    }

    private int sizeClass(final int capacity)
    {
        for (int i = 0; i < sizeClasses; i++)
        {
            if (capacities[i] == capacity)
            {
                return i;
            }
        }
        if (sizeClasses == MAX_SIZE_CLASSES)
        {
            throw new IllegalStateException("more than " + MAX_SIZE_CLASSES + " buffer sizes");
        }
        capacities[sizeClasses] = capacity;
        idle[sizeClasses] = new ArrayDeque<>();
        return sizeClasses++;
    }

    private static long cost(final int capacity)
    {
        return (long)capacity + PooledBuffer.ALIGNMENT_BYTES;
    }

    private void publish()
    {
        leasedGauge.lazySet(leased);
    }

    /**
     * @return the budget in bytes.
     */
    long budgetBytes()
    {
        return budgetBytes;
    }

    /**
     * @return the part of the budget kept for priority leases.
     */
    long reserveBytes()
    {
        return reserveBytes;
    }

    /**
     * @return bytes leased now; any thread.
     */
    long leasedBytes()
    {
        return leasedGauge.get();
    }

    /**
     * @return buffers leased now; any thread.
     */
    long leasedBuffers()
    {
        return leasedBuffersGauge.get();
    }

    /**
     * @return waiters in line now; any thread.
     */
    long waiting()
    {
        return waitingGauge.get();
    }

    /**
     * @return times anyone had to wait; any thread.
     */
    long waits()
    {
        return waitsCounter.get();
    }

    /**
     * @return bytes allocated, leased and free; reactor thread (tests).
     */
    long allocatedBytes()
    {
        return allocated;
    }
}
