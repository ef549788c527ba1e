package io.mtgj.cli;

/**
 * Writes {@code 2026-11-25T08:30:00.123Z} for an epoch millisecond. The log line's timestamp, done by hand because
 * {@code java.time.format} loads about sixty classes at start-up, each resident in the runtime image's class-data
 * archive (README.md "Low-memory profile").
 */
final class UtcTimestamp
{
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** Days from 0000-03-01, where the proleptic Gregorian calendar's 400-year cycle conveniently starts, to 1970. */
    private static final long EPOCH_DAY_OF_MARCH_ZERO = 719_468L;
    private static final long DAYS_PER_ERA = 146_097L;

    private UtcTimestamp()
    {
    }

    /**
     * @param line        where to append.
     * @param epochMillis milliseconds since 1970-01-01T00:00:00Z, from year 0 to 9999.
     * @return {@code line}.
     */
    static StringBuilder append(final StringBuilder line, final long epochMillis)
    {
        final long day = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        final int millisOfDay = (int)Math.floorMod(epochMillis, MILLIS_PER_DAY);

        // Civil date from a day count: years start on March 1st, so the leap day is the last day of a year.
        final long shifted = day + EPOCH_DAY_OF_MARCH_ZERO;
        final long era = Math.floorDiv(shifted, DAYS_PER_ERA);
        final long dayOfEra = shifted - era * DAYS_PER_ERA;
        final long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long monthFromMarch = (5 * dayOfYear + 2) / 153;
        final int dayOfMonth = (int)(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
        final int month = (int)(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
        final long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        digits(line, year, 4).append('-');
        digits(line, month, 2).append('-');
        digits(line, dayOfMonth, 2).append('T');
        digits(line, millisOfDay / 3_600_000, 2).append(':');
        digits(line, millisOfDay / 60_000 % 60, 2).append(':');
        digits(line, millisOfDay / 1000 % 60, 2).append('.');
        return digits(line, millisOfDay % 1000, 3).append('Z');
    }

    private static StringBuilder digits(final StringBuilder line, final long value, final int width)
    {
        final String text = Long.toString(value);
        for (int pad = width - text.length(); pad > 0; pad--)
        {
            line.append('0');
        }
        return line.append(text);
    }
}
