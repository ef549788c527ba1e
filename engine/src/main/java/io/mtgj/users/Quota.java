package io.mtgj.users;

import io.mtgj.config.ByteSize;

import java.util.Objects;

/**
 * A limit on a user's traffic (both directions together) within each {@link QuotaPeriod}.
 *
 * @param bytes  bytes allowed per period, more than 0.
 * @param period how often the count starts over.
 */
public record Quota(long bytes, QuotaPeriod period)
{
    /**
     * @param bytes  bytes allowed per period, more than 0.
     * @param period how often the count starts over.
     * @throws IllegalArgumentException when {@code bytes} is not positive.
     */
    public Quota
    {
        Objects.requireNonNull(period, "period");
        if (bytes <= 0)
        {
            throw new IllegalArgumentException("a quota must be more than 0 bytes");
        }
    }

    /**
     * @param text a size with an optional period, as in the secrets file: {@code 50GB}, {@code 1GB/day},
     *             {@code 500MB/month}.
     * @return the quota.
     * @throws IllegalArgumentException saying what is wrong and what was expected.
     */
    public static Quota parse(final String text)
    {
        final int slash = text.indexOf('/');
        final String size = slash < 0 ? text : text.substring(0, slash);
        final QuotaPeriod period = slash < 0 ? QuotaPeriod.TOTAL : parsePeriod(text.substring(slash + 1), text);
        final long bytes;
        try
        {
            bytes = ByteSize.parse(size);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("bad quota '" + text + "': " + ex.getMessage() +
                "; expected SIZE, SIZE/day or SIZE/month, e.g. 50GB/month");
        }
        if (bytes <= 0)
        {
            throw new IllegalArgumentException("bad quota '" + text + "': it must be more than 0 bytes");
        }
        return new Quota(bytes, period);
    }

    private static QuotaPeriod parsePeriod(final String name, final String text)
    {
        switch (name)
        {
            case "day":
                return QuotaPeriod.DAY;
            case "month":
                return QuotaPeriod.MONTH;
            default:
                throw new IllegalArgumentException("bad quota '" + text + "': unknown period '/" + name +
                    "'; expected /day, /month or none for a total that never resets");
        }
    }

    /**
     * @return the quota as written in the secrets file, e.g. {@code 50GB/month}; {@link #parse(String)} reads it back.
     */
    public String text()
    {
        return ByteSize.format(bytes) + period.suffix();
    }
}
