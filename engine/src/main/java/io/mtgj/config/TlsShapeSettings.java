package io.mtgj.config;

import java.util.concurrent.TimeUnit;

/**
 * How a FakeTLS proxy looks like its cloak host on the wire.
 *
 * @param learnsShape   whether the proxy performs real TLS 1.3 handshakes with its cloak hosts, at start and every
 *                      {@code refreshMs}, and shapes its ServerHello after their answers.
 * @param refreshMs     how often the cloak hosts' answers are learned again.
 * @param sizesRecords  whether the first records to a FakeTLS client are small and grow to 16 KiB, as web servers'
 *                      do ({@code --no-tls-shaping} turns it off).
 */
public record TlsShapeSettings(boolean learnsShape, long refreshMs, boolean sizesRecords)
{
    /**
     * Every six hours, as mtg v2 refreshes its measurements: certificates and server software change over weeks,
     * and a handshake more or less every few hours is nothing to the host.
     */
    public static final long DEFAULT_REFRESH_MS = TimeUnit.HOURS.toMillis(6);

    /** Learn the cloak hosts' answers and size records: the default. */
    public static final TlsShapeSettings DEFAULT = new TlsShapeSettings(true, DEFAULT_REFRESH_MS, true);

    /**
     * @throws IllegalArgumentException when the refresh period is not positive.
     */
    public TlsShapeSettings
    {
        if (refreshMs <= 0)
        {
            throw new IllegalArgumentException("bad TLS shape refresh period " + refreshMs + "ms: expected more than 0");
        }
    }

    /**
     * @param sized whether records to FakeTLS clients are sized.
     * @return these settings with that.
     */
    public TlsShapeSettings withSizedRecords(final boolean sized)
    {
        return new TlsShapeSettings(learnsShape, refreshMs, sized);
    }

    /**
     * @param learns whether the cloak hosts' answers are learned.
     * @return these settings with that.
     */
    public TlsShapeSettings withLearning(final boolean learns)
    {
        return new TlsShapeSettings(learns, refreshMs, sizesRecords);
    }
}
