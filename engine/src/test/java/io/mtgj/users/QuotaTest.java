package io.mtgj.users;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class QuotaTest
{
    private static long ms(final String instant)
    {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void shouldFindTheDayHoldingATime()
    {
        assertEquals(ms("2027-06-30T00:00:00Z"), QuotaPeriod.DAY.periodStartMs(ms("2027-06-30T00:00:00Z")));
        assertEquals(ms("2027-06-30T00:00:00Z"), QuotaPeriod.DAY.periodStartMs(ms("2027-06-30T23:59:59.999Z")));
        assertEquals(ms("2027-07-01T00:00:00Z"), QuotaPeriod.DAY.nextPeriodStartMs(ms("2027-06-30T23:59:59.999Z")));
        assertEquals(ms("2027-07-02T00:00:00Z"), QuotaPeriod.DAY.nextPeriodStartMs(ms("2027-07-01T00:00:00Z")));
        assertEquals(ms("1969-12-31T00:00:00Z"), QuotaPeriod.DAY.periodStartMs(ms("1969-12-31T12:00:00Z")));
    }

    @Test
    void shouldFindTheMonthHoldingATime()
    {
        assertEquals(ms("2027-06-01T00:00:00Z"), QuotaPeriod.MONTH.periodStartMs(ms("2027-06-01T00:00:00Z")));
        assertEquals(ms("2027-06-01T00:00:00Z"), QuotaPeriod.MONTH.periodStartMs(ms("2027-06-30T23:59:59.999Z")));
        assertEquals(ms("2027-07-01T00:00:00Z"), QuotaPeriod.MONTH.nextPeriodStartMs(ms("2027-06-30T23:59:59.999Z")));
        assertEquals(ms("2027-12-01T00:00:00Z"), QuotaPeriod.MONTH.periodStartMs(ms("2027-12-31T23:59:59.999Z")));
        assertEquals(ms("2028-01-01T00:00:00Z"), QuotaPeriod.MONTH.nextPeriodStartMs(ms("2027-12-31T23:59:59.999Z")));
        assertEquals(ms("2028-01-01T00:00:00Z"), QuotaPeriod.MONTH.periodStartMs(ms("2028-01-01T00:00:00Z")));
        assertEquals(ms("2028-03-01T00:00:00Z"), QuotaPeriod.MONTH.nextPeriodStartMs(ms("2028-02-29T10:00:00Z")));
    }

    @Test
    void shouldNeverEndATotal()
    {
        assertEquals(0, QuotaPeriod.TOTAL.periodStartMs(ms("2027-06-30T12:00:00Z")));
        assertEquals(Long.MAX_VALUE, QuotaPeriod.TOTAL.nextPeriodStartMs(ms("2027-06-30T12:00:00Z")));
        assertEquals("", QuotaPeriod.TOTAL.suffix());
        assertEquals("/day", QuotaPeriod.DAY.suffix());
        assertEquals("/month", QuotaPeriod.MONTH.suffix());
    }

    @Test
    void shouldParseAndWriteQuotas()
    {
        assertEquals(new Quota(50L << 30, QuotaPeriod.MONTH), Quota.parse("50GB/month"));
        assertEquals(new Quota(512L << 20, QuotaPeriod.DAY), Quota.parse("512MB/day"));
        assertEquals(new Quota(1000, QuotaPeriod.TOTAL), Quota.parse("1000"));
        assertEquals("50GB/month", Quota.parse("50GB/month").text());
        assertEquals("512MB/day", Quota.parse("512mb/day").text());
        assertEquals("2GB", Quota.parse("2048MB").text());
        assertEquals("1000B", Quota.parse("1000").text());
        for (final String text : new String[] {"1GB/day", "3KB", "7B/month"})
        {
            assertEquals(Quota.parse(text), Quota.parse(Quota.parse(text).text()));
        }
    }

    @Test
    void shouldRejectBadQuotas()
    {
        for (final String text : new String[] {"", "0", "0GB/day", "GB", "-1GB", "1TB", "5GB/week", "5GB/Month",
            "5GB/", "/day", "5GB/day/month"})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Quota.parse(text));
            assertTrue(ex.getMessage().startsWith("bad quota '" + text + "'"), ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Quota(0, QuotaPeriod.DAY));
    }
}
