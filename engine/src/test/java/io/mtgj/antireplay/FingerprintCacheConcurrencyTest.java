package io.mtgj.antireplay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class FingerprintCacheConcurrencyTest
{
    private static final int THREADS = 4;
    private static final int DISTINCT_PER_THREAD = 200_000;
    private static final int SHARED_KEYS = 20_000;
    private static final int KEY_LENGTH = 32;
    private static final long MAX_BYTES = 64L * 1024 * 1024;
    private static final long WAIT_SECONDS = 30;

    @Test
    void shouldFindNoFalsePositiveAndSeeEachSharedKeyNewExactlyOnce() throws Exception
    {
        final FingerprintCache cache = new FingerprintCache(MAX_BYTES, 0xC0FFEE);
        // Between the distinct and the shared keys, no eviction may happen, or "exactly once" would not hold.
        assertTrue(cache.generationCapacity() > THREADS * DISTINCT_PER_THREAD + SHARED_KEYS);

        final AtomicIntegerArray firstTimes = new AtomicIntegerArray(SHARED_KEYS);
        final CountDownLatch start = new CountDownLatch(1);
        final ExecutorService executor = Executors.newFixedThreadPool(THREADS);
        try
        {
            final List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final int thread = t;
                results.add(executor.submit(() -> run(cache, thread, start, firstTimes)));
            }
            start.countDown();
            for (final Future<Integer> result : results)
            {
                assertEquals(0, result.get(WAIT_SECONDS, TimeUnit.SECONDS), "false positives");
            }
        }
        finally
        {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
        }

        for (int k = 0; k < SHARED_KEYS; k++)
        {
            assertEquals(1, firstTimes.get(k), "shared key " + k + " seen as new");
        }
        assertTrue(cache.memoryBytes() <= MAX_BYTES);
    }

    /**
     * Interleave this thread's distinct keys with all shared keys, in an order of its own.
     *
     * @return how many distinct keys were wrongly reported as seen.
     */
    private static int run(
        final FingerprintCache cache, final int thread, final CountDownLatch start, final AtomicIntegerArray firstTimes)
        throws InterruptedException
    {
        final byte[] key = new byte[KEY_LENGTH];
        final int offset = thread * SHARED_KEYS * 7 / THREADS;
        if (!start.await(WAIT_SECONDS, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("no start");
        }

        int falsePositives = 0;
        for (int i = 0; i < DISTINCT_PER_THREAD; i++)
        {
            fill(key, 1 + thread, i);
            if (cache.seenBefore(key, 0, key.length))
            {
                falsePositives++;
            }
            if (i < SHARED_KEYS)
            {
                final int shared = (offset + i) % SHARED_KEYS;
                fill(key, 0, shared);
                if (!cache.seenBefore(key, 0, key.length))
                {
                    firstTimes.incrementAndGet(shared);
                }
            }
        }
        return falsePositives;
    }

    private static void fill(final byte[] key, final int family, final int index)
    {
        new SplittableRandom(((long)family << 32) | index).nextBytes(key);
        key[0] = (byte)family;
        key[1] = (byte)index;
        key[2] = (byte)(index >>> 8);
        key[3] = (byte)(index >>> 16);
        key[4] = (byte)(index >>> 24);
    }
}
