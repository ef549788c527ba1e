package io.mtgj.stats;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One reactor's histogram of FakeTLS clients' clock skew: the client's clock minus ours, whole seconds as hellos
 * carry them, signed (negative when the client is behind), apart for accepted and rejected clients. Fixed buckets on
 * both sides of 0, since HdrHistogram takes no negative value and the seconds need no more resolution: recording is
 * one scan of {@link #BOUNDS_SECONDS} and one ordered store by the owning reactor's thread, with no lock and no
 * allocation; any thread reads. The bounds take in every window worth knowing: mtg's 3 and 5 s, our 2 and 10 minutes,
 * mtprotoproxy's 20 minutes.
 */
public final class ClockSkews
{
    /** Upper bounds of the buckets, seconds, ascending; a last bucket, +Inf, takes the rest. */
    static final long[] BOUNDS_SECONDS =
    {
        -3600, -1200, -600, -300, -120, -60, -30, -10, -5, -3, -1, 0, 1, 3, 5, 10, 30, 60, 120, 300, 600, 1200, 3600,
    };
    /** Buckets of one result, the +Inf one included. */
    static final int BUCKETS = BOUNDS_SECONDS.length + 1;

    private static final int ACCEPTED = 0;
    private static final int REJECTED = 1;

    /** Per result, the count of each bucket alone (not cumulative): accepted first, then rejected. */
    private final AtomicLongArray counts = new AtomicLongArray(2 * BUCKETS);

    /**
     * Count one client's skew; call only from the owning reactor's thread.
     *
     * @param accepted    whether its time was inside the window.
     * @param skewSeconds its clock minus ours.
     */
    public void record(final boolean accepted, final long skewSeconds)
    {
        final int index = (accepted ? ACCEPTED : REJECTED) * BUCKETS + bucket(skewSeconds);
        counts.lazySet(index, counts.get(index) + 1);
    }

    /**
     * @param accepted which result.
     * @param bucket   a bucket index, {@code BUCKETS - 1} for +Inf.
     * @return the skews counted in that bucket alone.
     */
    long count(final boolean accepted, final int bucket)
    {
        return counts.get((accepted ? ACCEPTED : REJECTED) * BUCKETS + bucket);
    }

    /**
     * @return the first bucket whose bound is at or above the skew.
     */
    static int bucket(final long skewSeconds)
    {
        int bucket = 0;
        while (bucket < BOUNDS_SECONDS.length && skewSeconds > BOUNDS_SECONDS[bucket])
        {
            bucket++;
        }
        return bucket;
    }
}
