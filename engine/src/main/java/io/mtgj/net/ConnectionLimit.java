package io.mtgj.net;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client connections open across every reactor, held under {@code --max-connections} (which the open-file limit
 * bounds, {@link io.mtgj.config.Capacity}). A reactor takes a permit when it accepts one and gives it back when it
 * ends: one atomic operation each, none on the data path.
 */
final class ConnectionLimit
{
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param max connections allowed at once, at least 1.
     */
    ConnectionLimit(final int max)
    {
        if (max < 1)
        {
            throw new IllegalArgumentException("connection limit " + max + " < 1");
        }
        this.max = max;
    }

    /**
     * @return true and one permit taken, or false when {@link #max()} connections are open.
     */
    boolean tryAcquire()
    {
        while (true)
        {
            final int current = open.get();
            if (current >= max)
            {
                return false;
            }
            if (open.compareAndSet(current, current + 1))
            {
                return true;
            }
        }
    }

    /**
     * Give back a permit taken by {@link #tryAcquire()}.
     */
    void release()
    {
        open.decrementAndGet();
    }

    /**
     * @return permits taken now.
     */
    int open()
    {
        return open.get();
    }

    /**
     * @return the limit.
     */
    int max()
    {
        return max;
    }
}
