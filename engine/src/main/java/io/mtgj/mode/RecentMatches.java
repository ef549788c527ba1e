package io.mtgj.mode;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which secret last matched from a client address, so that its next connection (Telegram opens several at once)
 * tries that secret first instead of all of them. Lossy and bounded: a fixed table indexed by the address's hash,
 * where a newer address takes the slot of an older one; safe from every reactor thread without locks.
 */
final class RecentMatches
{
    private static final int SLOTS = 1 << 14;

    private final AtomicReferenceArray<Match> slots = new AtomicReferenceArray<>(SLOTS);

    /**
     * @param from  the client's address, or null.
     * @param stamp the key ring the match must come from: one made before a reload may name a removed secret.
     * @return the key that last matched from there, or null.
     */
    KeyRing.Key lookup(final InetAddress from, final int stamp)
    {
        if (null == from)
        {
            return null;
        }
        final Match match = slots.get(slot(from));
        return null != match && stamp == match.stamp && from.equals(match.from) ? match.key : null;
    }

    /**
     * @param from  the client's address, or null.
     * @param key   the key its handshake proved.
     * @param stamp the key ring the key belongs to.
     */
    void remember(final InetAddress from, final KeyRing.Key key, final int stamp)
    {
        if (null == from)
        {
            return;
        }
        final int slot = slot(from);
        final Match match = slots.get(slot);
        if (null == match || match.key != key || match.stamp != stamp || !from.equals(match.from))
        {
            slots.lazySet(slot, new Match(from, key, stamp));
        }
    }

    private static int slot(final InetAddress from)
    {
        return (from.hashCode() * 0x9E3779B9) >>> (Integer.SIZE - Integer.numberOfTrailingZeros(SLOTS));
    }

    private record Match(InetAddress from, KeyRing.Key key, int stamp)
    {
    }
}
