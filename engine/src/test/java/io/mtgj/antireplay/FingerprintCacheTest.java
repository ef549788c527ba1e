package io.mtgj.antireplay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class FingerprintCacheTest
{
    private static final long DEFAULT_MAX_BYTES = 128L * 1024 * 1024;
    private static final long SMALL_MAX_BYTES = 64 * 1024;
    private static final int MANY = 1_000_000;
    private static final int TLS_RANDOM_LENGTH = 32;
    private static final int FRAME_KEY_LENGTH = 48;

    private final SplittableRandom random = new SplittableRandom(0x5EED);

    @Test
    void shouldSeeARepeatButNotAFirstTime()
    {
        final FingerprintCache cache = new FingerprintCache(SMALL_MAX_BYTES, 42);
        final byte[] key = randomKey(TLS_RANDOM_LENGTH);

        assertFalse(cache.seenBefore(key, 0, key.length));
        assertTrue(cache.seenBefore(key, 0, key.length));
        assertTrue(cache.seenBefore(key.clone(), 0, key.length));
    }

    @Test
    void shouldUseOnlyTheGivenRange()
    {
        final FingerprintCache cache = new FingerprintCache(SMALL_MAX_BYTES, 42);
        final byte[] frame = randomKey(64);
        final byte[] copy = new byte[FRAME_KEY_LENGTH + 3];
        System.arraycopy(frame, 8, copy, 3, FRAME_KEY_LENGTH);
        copy[0] = 1;

        assertFalse(cache.seenBefore(frame, 8, FRAME_KEY_LENGTH));
        assertTrue(cache.seenBefore(copy, 3, FRAME_KEY_LENGTH));
        assertFalse(cache.seenBefore(frame, 8, FRAME_KEY_LENGTH - 1), "a shorter key is another key");
        assertFalse(cache.seenBefore(frame, 0, FRAME_KEY_LENGTH), "another range is another key");
    }

    @Test
    void shouldTellKeysOfDifferentLengthsAndTailsApart()
    {
        final FingerprintCache cache = new FingerprintCache(SMALL_MAX_BYTES, 7);
        final byte[] zeros = new byte[TLS_RANDOM_LENGTH];
        for (int length = 0; length <= TLS_RANDOM_LENGTH; length++)
        {
            assertFalse(cache.seenBefore(zeros, 0, length), "length " + length);
        }
        for (int length = 0; length <= TLS_RANDOM_LENGTH; length++)
        {
            assertTrue(cache.seenBefore(zeros, 0, length), "length " + length);
        }
        final byte[] key = new byte[11];
        for (int i = 0; i < key.length * Byte.SIZE; i++)
        {
            key[i / Byte.SIZE] ^= (byte)(1 << (i % Byte.SIZE));
            assertFalse(cache.seenBefore(key, 0, key.length), "bit " + i);
            key[i / Byte.SIZE] ^= (byte)(1 << (i % Byte.SIZE));
        }
    }

    @Test
    void shouldDependOnTheSeed()
    {
        final byte[] key = randomKey(TLS_RANDOM_LENGTH);
        final long a = new FingerprintCache(SMALL_MAX_BYTES, 1).fingerprint(key, 0, key.length);
        final long b = new FingerprintCache(SMALL_MAX_BYTES, 2).fingerprint(key, 0, key.length);

        assertNotEquals(a, b);
        assertNotEquals(0, a);
        assertNotEquals(0, b);
    }

    @Test
    void shouldFindNoFalsePositiveAmongAMillionDistinctKeys()
    {
        final FingerprintCache cache = new FingerprintCache(DEFAULT_MAX_BYTES, random.nextLong());
        final byte[] key = new byte[TLS_RANDOM_LENGTH];
        for (int i = 0; i < MANY; i++)
        {
            distinctKey(key, i);
            assertFalse(cache.seenBefore(key, 0, key.length), "false positive at key " + i);
        }
        assertTrue(cache.memoryBytes() <= DEFAULT_MAX_BYTES, "memoryBytes " + cache.memoryBytes());
        for (int i = MANY - 1000; i < MANY; i++)
        {
            distinctKey(key, i);
            assertTrue(cache.seenBefore(key, 0, key.length), "key " + i);
        }
    }

    @Test
    void shouldStayWithinASmallBoundAndFindNoFalsePositiveThroughEvictions()
    {
        final FingerprintCache cache = new FingerprintCache(SMALL_MAX_BYTES, random.nextLong());
        assertTrue(cache.maxTableBytes() <= SMALL_MAX_BYTES);
        final byte[] key = new byte[FRAME_KEY_LENGTH];
        long peakBytes = 0;
        for (int i = 0; i < MANY; i++)
        {
            distinctKey(key, i);
            assertFalse(cache.seenBefore(key, 0, key.length), "false positive at key " + i);
            final long bytes = cache.memoryBytes();
            assertTrue(bytes <= SMALL_MAX_BYTES, "memoryBytes " + bytes + " at key " + i);
            peakBytes = Math.max(peakBytes, bytes);
        }
        assertEquals(SMALL_MAX_BYTES, peakBytes, "64 KiB is a power of two: both generations fill it exactly");
    }

    @Test
    void shouldBoundTheDefaultSizeByArithmeticAndByMeasure()
    {
        final FingerprintCache cache = new FingerprintCache(DEFAULT_MAX_BYTES, random.nextLong());

        assertEquals(DEFAULT_MAX_BYTES, cache.maxTableBytes());
        assertEquals(1 << 22, cache.generationCapacity());
        assertEquals(FingerprintCache.INITIAL_SLOTS * Long.BYTES, cache.memoryBytes(), "starts small");

        final byte[] key = new byte[TLS_RANDOM_LENGTH];
        for (int i = 0; i < MANY; i++)
        {
            distinctKey(key, i);
            cache.seenBefore(key, 0, key.length);
            assertTrue(cache.memoryBytes() <= DEFAULT_MAX_BYTES);
        }
        // 1M keys at load <= 0.5 need 2^21 slots of 8 bytes: 16 MiB, memory tracks use.
        assertEquals(16L * 1024 * 1024, cache.memoryBytes());
    }

    @Test
    void shouldRoundTheBoundDownToPowersOfTwo()
    {
        for (final long maxBytes : new long[]{ 1024, 1025, 3000, 100_000, 1_000_000_007L, 3L << 30 })
        {
            final FingerprintCache cache = new FingerprintCache(maxBytes, 1);
            assertTrue(cache.maxTableBytes() <= maxBytes, "bound " + maxBytes);
            assertTrue(cache.maxTableBytes() * 2 > maxBytes, "bound " + maxBytes + " wastes over half");
            assertTrue(cache.memoryBytes() <= maxBytes, "bound " + maxBytes);
        }
    }

    @Test
    void shouldRememberTheMostRecentKeysAfterEviction()
    {
        final FingerprintCache cache = new FingerprintCache(4096, random.nextLong());
        final int capacity = cache.generationCapacity();
        assertEquals(4096 / 2 / Long.BYTES / 2, capacity);

        final int total = capacity * 10 + capacity / 3;
        final byte[] key = new byte[TLS_RANDOM_LENGTH];
        for (int i = 0; i < total; i++)
        {
            distinctKey(key, i);
            assertFalse(cache.seenBefore(key, 0, key.length));
        }
        for (int i = total - capacity; i < total; i++)
        {
            distinctKey(key, i);
            assertTrue(cache.seenBefore(key, 0, key.length), "recent key " + i + " forgotten");
        }
        int forgotten = 0;
        for (int i = 0; i < capacity; i++)
        {
            distinctKey(key, i);
            if (!cache.seenBefore(key, 0, key.length))
            {
                forgotten++;
            }
        }
        assertEquals(capacity, forgotten, "the oldest keys were evicted");
        assertTrue(cache.memoryBytes() <= 4096);
    }

    @Test
    void shouldRejectATooSmallBoundNamingIt()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> new FingerprintCache(1023));
        assertTrue(ex.getMessage().contains("1023"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AntiReplayCache.create(-1));
        assertThrows(IllegalArgumentException.class, () -> AntiReplayCache.create(100));
    }

    @Test
    void shouldRejectARangeOutsideTheArray()
    {
        final FingerprintCache cache = new FingerprintCache(SMALL_MAX_BYTES, 1);
        final byte[] key = new byte[TLS_RANDOM_LENGTH];

        assertThrows(IndexOutOfBoundsException.class, () -> cache.seenBefore(key, 1, TLS_RANDOM_LENGTH));
        assertThrows(IndexOutOfBoundsException.class, () -> cache.seenBefore(key, -1, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> NoopAntiReplayCache.INSTANCE.seenBefore(key, 0, 33));
    }

    @Test
    void shouldCreateTheNoopForZero()
    {
        final AntiReplayCache cache = AntiReplayCache.create(0);
        final byte[] key = randomKey(TLS_RANDOM_LENGTH);

        assertSame(NoopAntiReplayCache.INSTANCE, cache);
        assertFalse(cache.seenBefore(key, 0, key.length));
        assertFalse(cache.seenBefore(key, 0, key.length));
        assertEquals(0, cache.memoryBytes());
    }

    @Test
    void shouldCreateAFingerprintCacheOtherwise()
    {
        final AntiReplayCache cache = AntiReplayCache.create(SMALL_MAX_BYTES);

        assertTrue(cache instanceof FingerprintCache);
        assertEquals(SMALL_MAX_BYTES, ((FingerprintCache)cache).maxBytes());
    }

    private byte[] randomKey(final int length)
    {
        final byte[] key = new byte[length];
        random.nextBytes(key);
        return key;
    }

    /**
     * Random-looking bytes that are distinct for distinct {@code index}: the index is written in the first four
     * bytes, the rest is random.
     */
    private void distinctKey(final byte[] key, final int index)
    {
        final SplittableRandom bytes = new SplittableRandom(index * 0x9E3779B97F4A7C15L);
        bytes.nextBytes(key);
        key[0] = (byte)index;
        key[1] = (byte)(index >>> 8);
        key[2] = (byte)(index >>> 16);
        key[3] = (byte)(index >>> 24);
    }
}
