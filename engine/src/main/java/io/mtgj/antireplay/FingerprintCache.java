package io.mtgj.antireplay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * An {@link AntiReplayCache} bounded in bytes by construction, remembering the most recent keys.
 * <p>
 * <b>What is stored.</b> Not the key but a 64-bit fingerprint of it: every byte of the key, its length and a
 * per-instance random seed are folded, 8-byte word by word, through a bijective 64-bit mixer. Fingerprint 0 marks an
 * empty slot, so a fingerprint that comes out as 0 is stored as 1. The keys are random-looking (a 32-byte TLS client
 * random, the 48 obfuscated2 frame bytes {@code [8..56)}), and the seed is unknown outside the process, so
 * fingerprints of distinct keys behave as independent uniform 64-bit values.
 * <p>
 * <b>Tables.</b> Two generations of open-addressing {@code long[]} tables with linear probing, each at most half
 * full. A new key goes into the current generation; a lookup checks both. The current table starts small
 * ({@value #INITIAL_SLOTS} slots or fewer) and doubles while it is below its maximum, so memory tracks use. When the
 * current generation at its maximum size holds its capacity (half its slots), the previous generation is dropped and
 * the current one becomes the previous one: the most recent {@code generationCapacity()} keys are always
 * remembered, and up to twice as many. The dropped array is cleared and reused as the new current table.
 * <p>
 * <b>Memory bound.</b> Each generation's maximum is the largest power of two of slots with
 * {@code slots * 8 <= maxBytes / 2}, so both tables together never hold more than {@code maxBytes}. That also holds
 * while the table grows: growth happens only before the first rotation, when there is no previous table, and then
 * the old and the new array together take at most 1.5 times one generation's maximum.
 * <p>
 * <b>Figures at the default bound of 128 MiB</b> ({@code ProxyConfig.DEFAULT_ANTI_REPLAY_MAX_BYTES}):
 * <ul>
 *     <li>one generation: 64 MiB / 8 B = 2^23 = 8,388,608 slots, capacity 2^22 = 4,194,304 keys;</li>
 *     <li>remembered: always the most recent 4,194,304 keys, up to 2 x 4,194,304 = 8,388,608 just before a
 *     rotation. A busy proxy with 1,000,000 handshakes a day is thus remembered for 4.2 to 8.4 days (half that if
 *     each handshake records two keys, the TLS random and the inner obfuscated2 frame);</li>
 *     <li>false positives: a new key is wrongly reported as seen only if its fingerprint equals one of the at most
 *     2^22 fingerprints held in each generation, which happens with probability about 2^22 x 2^-64 = 2^-42 per
 *     generation, at most 2^23 x 2^-64 = 2^-41 (about 4.5e-13) per lookup. At 1,000,000 handshakes a day that is
 *     an expected 4.5e-7 false positives a day: one in about 6,000 years.</li>
 * </ul>
 * <p>
 * <b>Threads.</b> The fingerprint is computed without a lock; the test-and-add holds a short lock. No allocation per
 * call, except while the table doubles (before the first rotation) and at the first rotation. A rotation clears
 * one generation's array under the lock (64 MiB at the default bound, a few milliseconds, once every 4.2 million
 * keys).
 * <p>
 * <b>Persistence.</b> {@link ReplayCacheFile} saves the seed and both generations, each with the time of its last
 * record, and loads them into a fresh cache, so a restart does not forget which handshakes were seen. A save reads
 * the tables a chunk of {@value #SAVE_CHUNK_SLOTS} slots per hold of the lock, so handshakes wait microseconds, not
 * the length of a disk write.
 */
public final class FingerprintCache implements AntiReplayCache
{
    /** The smallest accepted bound in bytes. */
    public static final long MIN_MAX_BYTES = io.mtgj.config.ProxyConfig.MIN_ANTI_REPLAY_BYTES;

    /** Slots of a fresh table (8 KiB), or the generation's maximum when smaller. */
    static final int INITIAL_SLOTS = 1024;

    /** The largest table a Java array of longs can be as a power of two. */
    static final int MAX_SLOTS = 1 << 30;

    /** Slots read per hold of the lock while saving. */
    static final int SAVE_CHUNK_SLOTS = 1 << 16;

    private static final int WORD_LENGTH = Long.BYTES;
    private static final long EMPTY = 0L;
    private static final long LENGTH_MULTIPLIER = 0x9E3779B97F4A7C15L;
    private static final VarHandle LITTLE_ENDIAN_LONG =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long maxBytes;
    private final long seed;
    private final int maxSlots;
    private final LongSupplier clock;
    private final Object lock = new Object();

    private long[] current;
    private int currentCount;
    private long[] previous;
    /** Wall-clock time of the rotation that closed the previous generation: the time of its last record. */
    private long previousLastRecordMs;
    private volatile long memoryBytes;
    /** Keys recorded since the cache was made, loaded ones included. */
    private volatile long recordedKeys;

    /**
     * A cache with a seed from {@link SecureRandom}.
     *
     * @param maxBytes bound on the bytes held by both generations' tables.
     * @throws IllegalArgumentException naming the value when it is below {@link #MIN_MAX_BYTES}.
     */
    public FingerprintCache(final long maxBytes)
    {
        this(maxBytes, new SecureRandom().nextLong());
    }

    /**
     * A cache with a given seed, so tests are repeatable.
     *
     * @param maxBytes bound on the bytes held by both generations' tables.
     * @param seed     key of the fingerprint.
     * @throws IllegalArgumentException naming the value when it is below {@link #MIN_MAX_BYTES}.
     */
    FingerprintCache(final long maxBytes, final long seed)
    {
        this(maxBytes, seed, System::currentTimeMillis);
    }

    /**
     * A cache with a given seed and clock.
     *
     * @param maxBytes bound on the bytes held by both generations' tables.
     * @param seed     key of the fingerprint; a loaded cache keeps the seed it was saved with.
     * @param clock    wall-clock milliseconds, read at each rotation.
     * @throws IllegalArgumentException naming the value when it is below {@link #MIN_MAX_BYTES}.
     */
    FingerprintCache(final long maxBytes, final long seed, final LongSupplier clock)
    {
        if (maxBytes < MIN_MAX_BYTES)
        {
            throw new IllegalArgumentException(
                "bad anti-replay cache size " + maxBytes + " bytes: must be 0 (disabled) or at least " +
                MIN_MAX_BYTES);
        }
        this.maxBytes = maxBytes;
        this.seed = seed;
        this.clock = clock;
        maxSlots = maxSlots(maxBytes);
        current = new long[Math.min(INITIAL_SLOTS, maxSlots)];
        memoryBytes = tableBytes(current.length);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean seenBefore(final byte[] key, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, key.length);
        final long fingerprint = fingerprint(key, offset, length);
        synchronized (lock)
        {
            return !record(fingerprint);
        }
    }

    /**
     * @return whether the key is remembered, without recording it (for tests).
     */
    boolean remembers(final byte[] key, final int offset, final int length)
    {
        final long fingerprint = fingerprint(key, offset, length);
        synchronized (lock)
        {
            return contains(current, fingerprint) || (null != previous && contains(previous, fingerprint));
        }
    }

    /**
     * Record a fingerprint unless either generation holds it. Under the lock.
     *
     * @return whether it was new.
     */
    private boolean record(final long fingerprint)
    {
        if (contains(current, fingerprint) || (null != previous && contains(previous, fingerprint)))
        {
            return false;
        }
        if (currentCount >= current.length >> 1)
        {
            makeRoom();
        }
        insert(current, fingerprint);
        currentCount++;
        recordedKeys++;
        return true;
    }

    /**
     * Receives a cache being saved: its generations, oldest first, each as a start and chunks of fingerprints.
     */
    interface Saver
    {
        /**
         * @param lastRecordMs wall-clock time of the generation's last record (for the current one, now).
         * @throws java.io.IOException when writing fails.
         */
        void generation(long lastRecordMs) throws java.io.IOException;

        /**
         * @param fingerprints a chunk of the generation's fingerprints, none of them 0.
         * @param count        how many of the array's first elements belong to the chunk.
         * @throws java.io.IOException when writing fails.
         */
        void fingerprints(long[] fingerprints, int count) throws java.io.IOException;
    }

    /**
     * Hand both generations to a saver, a chunk at a time, taking the lock for each chunk only. Keys recorded during
     * the save may or may not be included; a rotation during it may label a few keys with the wrong generation. Both
     * only matter to a save made while handshakes go on, and the one at shutdown is made after they stopped.
     *
     * @param saver receives the generations.
     * @throws java.io.IOException what the saver threw.
     */
    void save(final Saver saver) throws java.io.IOException
    {
        final long[] oldTable;
        final long oldLastRecordMs;
        final long[] newTable;
        synchronized (lock)
        {
            oldTable = previous;
            oldLastRecordMs = previousLastRecordMs;
            newTable = current;
        }
        final long[] chunk = new long[SAVE_CHUNK_SLOTS];
        if (null != oldTable)
        {
            saver.generation(oldLastRecordMs);
            saveTable(oldTable, chunk, saver);
        }
        saver.generation(clock.getAsLong());
        saveTable(newTable, chunk, saver);
    }

    private void saveTable(final long[] table, final long[] chunk, final Saver saver) throws java.io.IOException
    {
        for (int start = 0; start < table.length; start += SAVE_CHUNK_SLOTS)
        {
            int count = 0;
            synchronized (lock)
            {
                final int end = Math.min(table.length, start + SAVE_CHUNK_SLOTS);
                for (int i = start; i < end; i++)
                {
                    if (EMPTY != table[i])
                    {
                        chunk[count++] = table[i];
                    }
                }
            }
            if (count > 0)
            {
                saver.fingerprints(chunk, count);
            }
        }
    }

    /**
     * Record loaded fingerprints, as if their handshakes had just been seen.
     *
     * @param fingerprints fingerprints made with this cache's seed; 0 is skipped.
     * @param count        how many of the array's first elements to record.
     */
    void load(final long[] fingerprints, final int count)
    {
        synchronized (lock)
        {
            for (int i = 0; i < count; i++)
            {
                if (EMPTY != fingerprints[i])
                {
                    record(fingerprints[i]);
                }
            }
        }
    }

    /**
     * @return the fingerprints' key.
     */
    long seed()
    {
        return seed;
    }

    /**
     * @return keys recorded since the cache was made, loaded ones included: unchanged means nothing new to save.
     */
    public long recordedKeys()
    {
        return recordedKeys;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public long memoryBytes()
    {
        return memoryBytes;
    }

    /**
     * @return the bound given at construction.
     */
    public long maxBytes()
    {
        return maxBytes;
    }

    /**
     * @return keys one generation holds at its maximum size: the cache always remembers at least this many of the
     * most recent keys, and at most twice as many.
     */
    public int generationCapacity()
    {
        return maxSlots >> 1;
    }

    /**
     * The keys a cache of this bound always remembers, without making one: to tell at start how much of the FakeTLS
     * clock window it covers.
     *
     * @param maxBytes a cache's bound, {@code --anti-replay-max-size}; 0 for no cache.
     * @return its {@link #generationCapacity()}; 0 for 0.
     */
    public static int generationCapacity(final long maxBytes)
    {
        return maxBytes < MIN_MAX_BYTES ? 0 : maxSlots(maxBytes) >> 1;
    }

    private static int maxSlots(final long maxBytes)
    {
        return (int)Long.highestOneBit(Math.min(maxBytes / 2 / Long.BYTES, MAX_SLOTS));
    }

    /**
     * @return bytes both generations hold once at their maximum size; never more than {@link #maxBytes()}.
     */
    long maxTableBytes()
    {
        return 2 * tableBytes(maxSlots);
    }

    /**
     * The fingerprint of a key: never {@link #EMPTY}.
     *
     * @param key    array holding the key.
     * @param offset index of the first byte.
     * @param length length of the key.
     * @return a non-zero 64-bit fingerprint keyed by this instance's seed.
     */
    long fingerprint(final byte[] key, final int offset, final int length)
    {
        // Each step h = mix(h ^ word) is a bijection of h, so keys of one length that differ in a single word never
        // collide; the seed makes the whole map unknown from outside.
        long h = mix(seed ^ (length * LENGTH_MULTIPLIER));
        final int wordsEnd = offset + (length & ~(WORD_LENGTH - 1));
        int i = offset;
        while (i < wordsEnd)
        {
            h = mix(h ^ (long)LITTLE_ENDIAN_LONG.get(key, i));
            i += WORD_LENGTH;
        }

        final int end = offset + length;
        if (i < end)
        {
            long tail = 0;
            int shift = 0;
            while (i < end)
            {
                tail |= (key[i] & 0xFFL) << shift;
                shift += Byte.SIZE;
                i++;
            }
            h = mix(h ^ tail);
        }

        return EMPTY == h ? 1 : h;
    }

    /**
     * A bijective 64-bit mixer with full avalanche: two xor-shift-multiply rounds and a final xor-shift (the
     * constants are those of the well-known SplitMix64 finaliser).
     */
    static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void makeRoom()
    {
        if (current.length < maxSlots)
        {
            // Before the first rotation only (afterwards the current table is always at its maximum size).
            final long[] grown = new long[current.length << 1];
            for (final long fingerprint : current)
            {
                if (EMPTY != fingerprint)
                {
                    insert(grown, fingerprint);
                }
            }
            current = grown;
        }
        else
        {
            final long[] dropped = previous;
            previous = current;
            previousLastRecordMs = clock.getAsLong();
            if (null == dropped)
            {
                current = new long[maxSlots];
            }
            else
            {
                Arrays.fill(dropped, EMPTY);
                current = dropped;
            }
            currentCount = 0;
        }
        memoryBytes = tableBytes(current.length) + (null == previous ? 0 : tableBytes(previous.length));
    }

    private static boolean contains(final long[] table, final long fingerprint)
    {
        // At most half full, so an empty slot ends every probe.
        final int mask = table.length - 1;
        int index = (int)fingerprint & mask;
        while (true)
        {
            final long slot = table[index];
            if (fingerprint == slot)
            {
                return true;
            }
            if (EMPTY == slot)
            {
                return false;
            }
            index = (index + 1) & mask;
        }
    }

    private static void insert(final long[] table, final long fingerprint)
    {
        final int mask = table.length - 1;
        int index = (int)fingerprint & mask;
        while (EMPTY != table[index])
        {
            index = (index + 1) & mask;
        }
        table[index] = fingerprint;
    }

    private static long tableBytes(final int slots)
    {
        return (long)slots * Long.BYTES;
    }

    @Override
    public String toString()
    {
        return "FingerprintCache{maxBytes=" + maxBytes + ", memoryBytes=" + memoryBytes +
            ", generationCapacity=" + generationCapacity() + '}';
    }
}
