package io.mtgj.cli;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UtcTimestampTest
{
    private static final DateTimeFormatter REFERENCE =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static String format(final long epochMillis)
    {
        return UtcTimestamp.append(new StringBuilder(), epochMillis).toString();
    }

    @Test
    void fixedInstants()
    {
        assertEquals("1970-01-01T00:00:00.000Z", format(0));
        assertEquals("1969-12-31T23:59:59.999Z", format(-1));
        assertEquals("2000-02-29T12:34:56.789Z", format(951_827_696_789L));
        assertEquals("2026-11-25T08:30:00.123Z", format(1_795_595_400_123L));
        assertEquals("9999-12-31T23:59:59.999Z", format(253_402_300_799_999L));
        assertEquals("0000-01-01T00:00:00.000Z", format(-62_167_219_200_000L));
    }

    @Test
    void agreesWithJavaTimeOnLeapDaysMonthEndsAndRandomInstants()
    {
        final long day = 86_400_000L;
        // every day boundary (and the millisecond before it) from 1896 to 2104: leap days, century rules
        for (long at = -2_335_219_200_000L; at < 4_260_211_200_000L; at += day)
        {
            assertEquals(REFERENCE.format(Instant.ofEpochMilli(at)), format(at));
            assertEquals(REFERENCE.format(Instant.ofEpochMilli(at - 1)), format(at - 1));
        }
        final SplittableRandom random = new SplittableRandom(20261125);
        for (int i = 0; i < 100_000; i++)
        {
            final long at = random.nextLong(-62_167_219_200_000L, 253_402_300_800_000L);
            assertEquals(REFERENCE.format(Instant.ofEpochMilli(at)), format(at));
        }
    }
}
