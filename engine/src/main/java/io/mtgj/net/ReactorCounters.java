package io.mtgj.net;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of one reactor. Written only by its thread (ordered stores, no read-modify-write), read by any thread.
 */
public final class ReactorCounters
{
    private static final int ACCEPTED = 0;
    private static final int HANDSHAKES = 1;
    private static final int ACTIVE = 2;
    private static final int CRASHES = 3;
    private static final int SELECTOR_REBUILDS = 4;
    private static final int CLOAKED = 5;
    private static final int CLOSED_BASE = 6;
    private static final int FAILURE_BASE = CLOSED_BASE + CloseReason.values().length;

    private final AtomicLongArray values = new AtomicLongArray(FAILURE_BASE + HandshakeFailure.values().length);

    private void increment(final int index, final long delta)
    {
        values.lazySet(index, values.get(index) + delta);
    }

    void onAccepted()
    {
        increment(ACCEPTED, 1);
        increment(ACTIVE, 1);
    }

    void onHandshake()
    {
        increment(HANDSHAKES, 1);
    }

    void onClosed(final CloseReason reason)
    {
        increment(ACTIVE, -1);
        increment(CLOSED_BASE + reason.ordinal(), 1);
        if (CloseReason.CRASH == reason)
        {
            increment(CRASHES, 1);
        }
    }

    void onHandshakeFailure(final HandshakeFailure failure)
    {
        increment(FAILURE_BASE + failure.ordinal(), 1);
    }

    void onCloaked()
    {
        increment(CLOAKED, 1);
    }

    void onSelectorRebuilt()
    {
        increment(SELECTOR_REBUILDS, 1);
    }

    /**
     * @return client connections accepted.
     */
    public long accepted()
    {
        return values.get(ACCEPTED);
    }

    /**
     * @return client handshakes that succeeded.
     */
    public long handshakes()
    {
        return values.get(HANDSHAKES);
    }

    /**
     * @return sessions open now.
     */
    public long active()
    {
        return values.get(ACTIVE);
    }

    /**
     * @return sessions closed by an unexpected exception.
     */
    public long crashes()
    {
        return values.get(CRASHES);
    }

    /**
     * @return times the selector was rebuilt after spinning.
     */
    public long selectorRebuilds()
    {
        return values.get(SELECTOR_REBUILDS);
    }

    /**
     * @return connections fronted to the cloak host.
     */
    public long cloaked()
    {
        return values.get(CLOAKED);
    }

    /**
     * @param failure a handshake failure.
     * @return handshakes refused for it (replays included).
     */
    public long handshakeFailures(final HandshakeFailure failure)
    {
        return values.get(FAILURE_BASE + failure.ordinal());
    }

    /**
     * @param reason a close reason.
     * @return sessions closed for it.
     */
    public long closed(final CloseReason reason)
    {
        return values.get(CLOSED_BASE + reason.ordinal());
    }
}
