package io.mtgj.users;

import java.time.LocalDate;

/**
 * How often a user's traffic quota starts over. Periods are calendar days and months in UTC, so every proxy and
 * every restart agrees on where one ends.
 */
public enum QuotaPeriod
{
    /** Never resets: the quota is a total. */
    TOTAL(""),
    /** Resets at 00:00 UTC each day. */
    DAY("/day"),
    /** Resets at 00:00 UTC on the first day of each month. */
    MONTH("/month");

    private static final long DAY_MS = 86_400_000L;

    private final String suffix;

    QuotaPeriod(final String suffix)
    {
        this.suffix = suffix;
    }

    /**
     * @param nowMs a time in epoch milliseconds.
     * @return the start of the period holding {@code nowMs} in epoch milliseconds; 0 for {@link #TOTAL}.
     */
    public long periodStartMs(final long nowMs)
    {
        switch (this)
        {
            case DAY:
                return Math.floorDiv(nowMs, DAY_MS) * DAY_MS;
            case MONTH:
                return dayOf(nowMs).withDayOfMonth(1).toEpochDay() * DAY_MS;
            default:
                return 0;
        }
    }

    /**
     * @param nowMs a time in epoch milliseconds.
     * @return the start of the period after the one holding {@code nowMs}; {@link Long#MAX_VALUE} for
     *         {@link #TOTAL}.
     */
    public long nextPeriodStartMs(final long nowMs)
    {
        switch (this)
        {
            case DAY:
                return periodStartMs(nowMs) + DAY_MS;
            case MONTH:
                return dayOf(nowMs).withDayOfMonth(1).plusMonths(1).toEpochDay() * DAY_MS;
            default:
                return Long.MAX_VALUE;
        }
    }

    /**
     * @return how the period is written after a quota's size: {@code ""}, {@code "/day"} or {@code "/month"}.
     */
    public String suffix()
    {
        return suffix;
    }

    private static LocalDate dayOf(final long nowMs)
    {
        return LocalDate.ofEpochDay(Math.floorDiv(nowMs, DAY_MS));
    }
}
