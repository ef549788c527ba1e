package io.mtgj.mode;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which secret last matched from a client address, so that its next connection (Telegram opens several at once)
 * tries that secret first instead of all of them. Lossy and bounded: a table indexed by the address's hash, where a
 * newer address takes the slot of an older one, sized to a few slots a secret so that few of the users' addresses
 * collide (10,000 users' addresses in 16,384 slots kept only three in four); safe from every reactor thread without
 * locks. One secret needs no table.
 */
final class RecentMatches
{
    private static final int SLOTS_PER_KEY = 8;
    private static final int MIN_SLOTS = 1 << 10;
    private static final int MAX_SLOTS = 1 << 20;

    private volatile AtomicReferenceArray<Match> slots;

    /**
     * Size the table for this many secrets; a new size starts empty (hints are only hints).
     *
     * @param keys how many secrets share one lookup at most.
     */
    void sizeFor(final int keys)
    {
        final int wanted = keys <= 1 ? 0 :
            Math.min(MAX_SLOTS, Math.max(MIN_SLOTS, Integer.highestOneBit(keys * SLOTS_PER_KEY - 1) << 1));
        final AtomicReferenceArray<Match> current = slots;
        if ((null == current ? 0 : current.length()) != wanted)
        {
            slots = 0 == wanted ? null : new AtomicReferenceArray<>(wanted);
        }
    }

    /**
     * @param from  the client's address, or null.
     * @param stamp the key ring the match must come from: one made before a reload may name a removed secret.
     * @return the key that last matched from there, or null.
     */
    KeyRing.Key lookup(final InetAddress from, final int stamp)
    {
        final AtomicReferenceArray<Match> table = slots;
        if (null == from || null == table)
        {
            return null;
        }
        final Match match = table.get(slot(from, table));
        return null != match && stamp == match.stamp && from.equals(match.from) ? match.key : null;
    }

    /**
     * @param from  the client's address, or null.
     * @param key   the key its handshake proved.
     * @param stamp the key ring the key belongs to.
     */
    void remember(final InetAddress from, final KeyRing.Key key, final int stamp)
    {
        final AtomicReferenceArray<Match> table = slots;
        if (null == from || null == table)
        {
            return;
        }
        final int slot = slot(from, table);
        final Match match = table.get(slot);
        if (null == match || match.key != key || match.stamp != stamp || !from.equals(match.from))
        {
            table.lazySet(slot, new Match(from, key, stamp));
        }
    }

    private static int slot(final InetAddress from, final AtomicReferenceArray<Match> table)
    {
        return (from.hashCode() * 0x9E3779B9) >>> (Integer.SIZE - Integer.numberOfTrailingZeros(table.length()));
    }

    private record Match(InetAddress from, KeyRing.Key key, int stamp)
    {
    }
}
