package io.mtgj.net;

import io.mtgj.stats.DcLabel;
import io.mtgj.stats.Direction;
import io.mtgj.stats.IpFamily;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of one reactor. Written only by its thread (ordered stores, no read-modify-write), read by any thread.
 * Labelled counters are laid out by label index: {@link IpFamily}, {@link DcLabel}, {@link Direction} and the
 * reason enums.
 */
public final class ReactorCounters
{
    private static final int DIRECTIONS = Direction.values().length;
    private static final int ACCEPTED = 0;
    private static final int HANDSHAKES = 1;
    private static final int CRASHES = 2;
    private static final int SELECTOR_REBUILDS = 3;
    private static final int CLOAKED = 4;
    private static final int STALLED = 5;
    private static final int SILENT_AFTER_HANDSHAKE = 6;
    private static final int ACTIVE_BASE = 7;
    private static final int TELEGRAM_ACTIVE_BASE = ACTIVE_BASE + IpFamily.values().length;
    private static final int CLIENT_BYTES_BASE = TELEGRAM_ACTIVE_BASE + DcLabel.COUNT;
    private static final int CLOAK_BYTES_BASE = CLIENT_BYTES_BASE + DIRECTIONS;
    private static final int TELEGRAM_BYTES_BASE = CLOAK_BYTES_BASE + DIRECTIONS;
    private static final int CLOSED_BASE = TELEGRAM_BYTES_BASE + DcLabel.COUNT * DIRECTIONS;
    private static final int FAILURE_BASE = CLOSED_BASE + CloseReason.values().length;
    private static final int REJECTED_BASE = FAILURE_BASE + HandshakeFailure.values().length;
    private static final int LENGTH = REJECTED_BASE + RejectReason.values().length;

    private final AtomicLongArray values = new AtomicLongArray(LENGTH);

    /**
     * @param direction ingress (read from clients) or egress (written to clients).
     * @return the byte counter of client sockets, for {@link #addBytes}.
     */
    static int clientBytesCounter(final Direction direction)
    {
        return CLIENT_BYTES_BASE + direction.ordinal();
    }

    /**
     * @param dcLabel   a {@link DcLabel} index.
     * @param direction ingress (read from Telegram) or egress (written to Telegram).
     * @return the byte counter of Telegram sockets for that DC, for {@link #addBytes}.
     */
    static int telegramBytesCounter(final int dcLabel, final Direction direction)
    {
        return TELEGRAM_BYTES_BASE + dcLabel * DIRECTIONS + direction.ordinal();
    }

    /**
     * @param direction ingress (read from the cloak host) or egress (written to it).
     * @return the byte counter of cloak sockets, for {@link #addBytes}.
     */
    static int cloakBytesCounter(final Direction direction)
    {
        return CLOAK_BYTES_BASE + direction.ordinal();
    }

    private void increment(final int index, final long delta)
    {
        values.lazySet(index, values.get(index) + delta);
    }

    void addBytes(final int counter, final long bytes)
    {
        increment(counter, bytes);
    }

    void onAccepted(final IpFamily family)
    {
        increment(ACCEPTED, 1);
        increment(ACTIVE_BASE + family.ordinal(), 1);
    }

    /**
     * A PROXY protocol header named a client of another family than the load balancer's connection.
     */
    void onFamilyChanged(final IpFamily from, final IpFamily to)
    {
        increment(ACTIVE_BASE + from.ordinal(), -1);
        increment(ACTIVE_BASE + to.ordinal(), 1);
    }

    void onHandshake()
    {
        increment(HANDSHAKES, 1);
    }

    void onClosed(final CloseReason reason, final IpFamily family)
    {
        increment(ACTIVE_BASE + family.ordinal(), -1);
        increment(CLOSED_BASE + reason.ordinal(), 1);
        if (CloseReason.CRASH == reason)
        {
            increment(CRASHES, 1);
        }
    }

    /**
     * A connection to Telegram (a DC, or a shared upstream's) opened; reactor thread only.
     */
    public void onTelegramConnected(final int dcLabel)
    {
        increment(TELEGRAM_ACTIVE_BASE + dcLabel, 1);
    }

    /**
     * A connection counted by {@link #onTelegramConnected} closed; reactor thread only.
     */
    public void onTelegramClosed(final int dcLabel)
    {
        increment(TELEGRAM_ACTIVE_BASE + dcLabel, -1);
    }

    void onHandshakeFailure(final HandshakeFailure failure)
    {
        increment(FAILURE_BASE + failure.ordinal(), 1);
    }

    void onRejected(final RejectReason reason)
    {
        increment(REJECTED_BASE + reason.ordinal(), 1);
    }

    void onCloaked()
    {
        increment(CLOAKED, 1);
    }

    void onStalled()
    {
        increment(STALLED, 1);
    }

    /**
     * @return relays closed because their peer accepted nothing for the stall timeout.
     */
    public long stalled()
    {
        return values.get(STALLED);
    }

    void onSilentAfterHandshake()
    {
        increment(SILENT_AFTER_HANDSHAKE, 1);
    }

    /**
     * @return clients that completed their handshake and then moved no byte either way within the check's window.
     */
    public long silentAfterHandshake()
    {
        return values.get(SILENT_AFTER_HANDSHAKE);
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
        long total = 0;
        for (final IpFamily family : IpFamily.values())
        {
            total += values.get(ACTIVE_BASE + family.ordinal());
        }
        return total;
    }

    /**
     * @param family a client IP family.
     * @return sessions of clients of that family open now.
     */
    public long active(final IpFamily family)
    {
        return values.get(ACTIVE_BASE + family.ordinal());
    }

    /**
     * @param dcLabel a {@link DcLabel} index.
     * @return connections to Telegram for clients that asked for that DC, open now.
     */
    public long telegramActive(final int dcLabel)
    {
        return values.get(TELEGRAM_ACTIVE_BASE + dcLabel);
    }

    /**
     * @param direction ingress or egress.
     * @return bytes read from or written to client sockets.
     */
    public long clientBytes(final Direction direction)
    {
        return values.get(clientBytesCounter(direction));
    }

    /**
     * @param dcLabel   a {@link DcLabel} index.
     * @param direction ingress or egress.
     * @return bytes read from or written to Telegram for clients that asked for that DC.
     */
    public long telegramBytes(final int dcLabel, final Direction direction)
    {
        return values.get(telegramBytesCounter(dcLabel, direction));
    }

    /**
     * @param direction ingress or egress.
     * @return bytes read from or written to the cloak host.
     */
    public long cloakBytes(final Direction direction)
    {
        return values.get(cloakBytesCounter(direction));
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

    /**
     * @param reason a reject reason.
     * @return connections refused for it.
     */
    public long rejected(final RejectReason reason)
    {
        return values.get(REJECTED_BASE + reason.ordinal());
    }
}
