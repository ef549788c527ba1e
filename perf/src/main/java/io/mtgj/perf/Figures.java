package io.mtgj.perf;

import java.util.Arrays;
import java.util.Locale;

/**
 * The arithmetic behind the capacity table: medians, ratios, memory per connection and how a figure compares with
 * its target. Pure, so the harness tests can check it.
 */
final class Figures
{
    private static final double KB = 1e3;
    private static final double MB = 1e6;

    private Figures()
    {
    }

    /**
     * @param values at least one.
     * @return their median (the mean of the middle two for an even count).
     */
    static double median(final double[] values)
    {
        if (0 == values.length)
        {
            throw new IllegalArgumentException("no values");
        }
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int middle = sorted.length / 2;
        return 0 == sorted.length % 2 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle];
    }

    /**
     * @param measured  the figure.
     * @param reference what it is compared with.
     * @return {@code measured / reference}, or NaN when the reference is not positive (nothing to compare with).
     */
    static double ratio(final double measured, final double reference)
    {
        return reference > 0 ? measured / reference : Double.NaN;
    }

    /**
     * @param rssWithBytes    resident memory with the connections open.
     * @param rssBeforeBytes  resident memory before they opened.
     * @param connections     how many were open.
     * @return kilobytes (1000 bytes) of resident memory per connection; negative when memory went down.
     */
    static double kbPerConnection(final long rssWithBytes, final long rssBeforeBytes, final int connections)
    {
        if (connections < 1)
        {
            throw new IllegalArgumentException("no connections");
        }
        return (rssWithBytes - rssBeforeBytes) / KB / connections;
    }

    /**
     * @param bytes a size.
     * @return it in megabytes (10^6 bytes), as the table shows sizes.
     */
    static double mb(final long bytes)
    {
        return bytes / MB;
    }

    /**
     * @param endBytes   the later sample.
     * @param startBytes the earlier one.
     * @return the change in percent of the earlier one.
     */
    static double percentChange(final long endBytes, final long startBytes)
    {
        return startBytes > 0 ? (endBytes - startBytes) * 100.0 / startBytes : Double.NaN;
    }

    /**
     * @param met  whether the figure meets its target.
     * @param what the target, e.g. {@code "< 100 MB"}.
     * @return {@code "target < 100 MB: met"} or {@code "target < 100 MB: MISSED"}.
     */
    static String target(final boolean met, final String what)
    {
        return String.format(Locale.ROOT, "target %s: %s", what, met ? "met" : "MISSED");
    }
}
