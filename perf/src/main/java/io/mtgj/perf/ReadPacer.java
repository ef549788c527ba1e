package io.mtgj.perf;

/**
 * How many bytes a client that reads at a set rate may read now: a token bucket filled at {@code bytesPerSecond}
 * and holding at most {@code burstBytes}, so a reader that found nothing to read for a while does not catch up in
 * one gulp. It starts empty. Not thread-safe: one pacing thread owns it.
 */
final class ReadPacer
{
    private final double bytesPerNs;
    private final long burstBytes;
    private double tokens;
    private long lastNs;

    /**
     * @param bytesPerSecond the reading rate, at least 1.
     * @param burstBytes     the most that may be read at once, at least 1.
     * @param nowNs          the clock now ({@link System#nanoTime()} or a test's).
     */
    ReadPacer(final long bytesPerSecond, final long burstBytes, final long nowNs)
    {
        if (bytesPerSecond < 1 || burstBytes < 1)
        {
            throw new IllegalArgumentException("rate and burst must be positive: " + bytesPerSecond + ", " +
                burstBytes);
        }
        this.bytesPerNs = bytesPerSecond / 1e9;
        this.burstBytes = burstBytes;
        this.lastNs = nowNs;
    }

    /**
     * @param nowNs the clock now; a clock that went back adds nothing.
     * @return bytes that may be read now (0 or more).
     */
    long allowance(final long nowNs)
    {
        if (nowNs > lastNs)
        {
            tokens = Math.min(burstBytes, tokens + (nowNs - lastNs) * bytesPerNs);
            lastNs = nowNs;
        }
        return Math.max(0, (long)tokens);
    }

    /**
     * @param bytes what was read after the last {@link #allowance(long)}.
     */
    void consumed(final long bytes)
    {
        tokens -= bytes;
    }
}
