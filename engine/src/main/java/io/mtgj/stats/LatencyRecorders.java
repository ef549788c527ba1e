package io.mtgj.stats;

import org.HdrHistogram.SingleWriterRecorder;

/**
 * One reactor's histograms: an HdrHistogram {@link SingleWriterRecorder} per {@link Latency}, and the clock skew of
 * FakeTLS clients ({@link ClockSkews}), written only by the reactor's thread. Recording is wait-free and allocates nothing; the scraping thread swaps interval histograms
 * out ({@link LatencyHistograms}). Values are microseconds with two significant digits (1 % resolution), capped at
 * {@link #MAX_US}. A disabled instance records nothing and holds no histogram, so "stats off" costs one branch.
 */
public final class LatencyRecorders
{
    /** Largest value recorded, in microseconds (one minute): longer latencies are recorded as this. */
    public static final long MAX_US = 60_000_000L;
    /** Precision of every latency histogram. */
    static final int SIGNIFICANT_DIGITS = 2;

    private static final long NS_PER_US = 1000;
    private static final LatencyRecorders DISABLED = new LatencyRecorders(false);

    private final boolean enabled;
    private final SingleWriterRecorder[] recorders;
    private final ClockSkews clockSkews;

    private LatencyRecorders(final boolean enabled)
    {
        this.enabled = enabled;
        this.recorders = new SingleWriterRecorder[enabled ? Latency.values().length : 0];
        for (int i = 0; i < recorders.length; i++)
        {
            recorders[i] = new SingleWriterRecorder(1, MAX_US, SIGNIFICANT_DIGITS);
        }
        this.clockSkews = enabled ? new ClockSkews() : null;
    }

    /**
     * @return recorders for one reactor.
     */
    public static LatencyRecorders create()
    {
        return new LatencyRecorders(true);
    }

    /**
     * @return the shared instance that records nothing.
     */
    public static LatencyRecorders disabled()
    {
        return DISABLED;
    }

    /**
     * @return whether values are recorded.
     */
    public boolean isEnabled()
    {
        return enabled;
    }

    /**
     * A time stamp for a latency about to be measured, read only when recording (so "stats off" reads no clock).
     *
     * @return {@link System#nanoTime()} when enabled, else 0.
     */
    public long nowNs()
    {
        return enabled ? System.nanoTime() : 0;
    }

    /**
     * Record one latency; call only from the owning reactor's thread.
     *
     * @param latency   which.
     * @param elapsedNs how long it took.
     */
    public void record(final Latency latency, final long elapsedNs)
    {
        if (enabled)
        {
            recorders[latency.ordinal()].recordValue(Math.min(MAX_US, Math.max(0, elapsedNs / NS_PER_US)));
        }
    }

    /**
     * Record a FakeTLS client's clock skew; call only from the owning reactor's thread.
     *
     * @param accepted    whether its time was inside the window.
     * @param skewSeconds its clock minus ours, seconds: negative when it is behind.
     */
    public void recordClockSkew(final boolean accepted, final long skewSeconds)
    {
        if (enabled)
        {
            clockSkews.record(accepted, skewSeconds);
        }
    }

    /**
     * @return the clock skews recorded, or null when disabled.
     */
    ClockSkews clockSkews()
    {
        return clockSkews;
    }

    SingleWriterRecorder recorder(final Latency latency)
    {
        return recorders[latency.ordinal()];
    }
}
