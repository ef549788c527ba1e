package io.mtgj.stats;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.List;

/**
 * One latency summed over every reactor since start, kept by the scraping thread: each scrape swaps every reactor's
 * interval histogram out (recycling the one it got last time) and adds it to the total. Not thread-safe: the
 * collector calls it under its lock.
 */
final class LatencyHistograms
{
    private static final double SECONDS_PER_US = 1e-6;

    private final Latency latency;
    private final SingleWriterRecorder[] recorders;
    private final Histogram[] intervals;
    private final Histogram total = new Histogram(1, LatencyRecorders.MAX_US, LatencyRecorders.SIGNIFICANT_DIGITS);

    LatencyHistograms(final Latency latency, final List<LatencyRecorders> reactors)
    {
        this.latency = latency;
        int enabled = 0;
        for (final LatencyRecorders recorders : reactors)
        {
            enabled += recorders.isEnabled() ? 1 : 0;
        }
        this.recorders = new SingleWriterRecorder[enabled];
        this.intervals = new Histogram[enabled];
        int i = 0;
        for (final LatencyRecorders recorders : reactors)
        {
            if (recorders.isEnabled())
            {
                this.recorders[i++] = recorders.recorder(latency);
            }
        }
    }

    Latency latency()
    {
        return latency;
    }

    /**
     * Add what every reactor recorded since the last call.
     */
    void accumulate()
    {
        for (int i = 0; i < recorders.length; i++)
        {
            intervals[i] = recorders[i].getIntervalHistogram(intervals[i]);
            total.add(intervals[i]);
        }
    }

    /**
     * @return values recorded.
     */
    long count()
    {
        return total.getTotalCount();
    }

    /**
     * @return the sum of the values, in seconds, to the histogram's precision.
     */
    double sumSeconds()
    {
        return total.getMean() * total.getTotalCount() * SECONDS_PER_US;
    }

    /**
     * @param seconds an upper bound.
     * @return values at or below it, to the histogram's precision.
     */
    long countAtOrBelow(final double seconds)
    {
        final long us = (long)Math.min(LatencyRecorders.MAX_US, Math.floor(seconds / SECONDS_PER_US + 0.5));
        return total.getCountBetweenValues(0, us);
    }
}
