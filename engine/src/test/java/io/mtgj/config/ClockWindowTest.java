package io.mtgj.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(5)
class ClockWindowTest
{
    @Test
    void shouldReadOneDurationAsBothWaysAndTwoAsPastThenFuture()
    {
        assertEquals(new ClockWindow(5_000, 5_000), ClockWindow.parse("5s"));
        assertEquals(new ClockWindow(600_000, 30_000), ClockWindow.parse("10m,30s"));
        assertEquals(new ClockWindow(600_000, 30_000), ClockWindow.parse(" 10m , 30s "));
        assertEquals(new ClockWindow(120_000, 0), ClockWindow.parse("2m,0s"));
        assertEquals("5s", ClockWindow.parse("5s").format());
        assertEquals("10m,30s", ClockWindow.parse("10m,30s").format());
        assertEquals("2m", ClockWindow.parse("120s,2m").format());
        assertEquals(ClockWindow.DEFAULT, ClockWindow.parse(ClockWindow.DEFAULT.format()));
        assertEquals("10m,2m", ClockWindow.DEFAULT.format());
    }

    @Test
    void shouldRefuseBadFormsNamingTheFlagAndTheExpectedForm()
    {
        for (final String bad : new String[] {"", ",", "10m,", ",30s", "5s,5s,5s", "-5s", "5", "abc", "1.5s",
            "500ms", "1500ms,1s", "0s", "0s,0s", "25h", "1h,2d"})
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> ClockWindow.parse(bad), bad);
            assertTrue(ex.getMessage().startsWith("bad --tolerate-time-skewness '" + bad + "': expected DURATION"),
                ex.getMessage());
            assertTrue(ex.getMessage().contains("PAST,FUTURE"), ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new ClockWindow(-1000, 1000));
        assertThrows(IllegalArgumentException.class, () -> new ClockWindow(1000, ClockWindow.MAX_SIDE_MS + 1000));
    }

    @Test
    void shouldAdmitSkewsUpToBothEndsIncluded()
    {
        final ClockWindow window = ClockWindow.parse("10m,30s");
        assertTrue(window.admits(0));
        assertTrue(window.admits(-600), "exactly PAST behind");
        assertFalse(window.admits(-601), "a second more");
        assertTrue(window.admits(30), "exactly FUTURE ahead");
        assertFalse(window.admits(31), "a second more");
        final ClockWindow strictFuture = ClockWindow.parse("10m,0s");
        assertTrue(strictFuture.admits(0));
        assertFalse(strictFuture.admits(1));
    }

    @Test
    void shouldKeepReplayKeysForPastPlusFutureAndTellTheRateTheCacheCovers()
    {
        final ClockWindow window = ClockWindow.parse("10m,2m");
        assertEquals(720_000 + 1_000, window.replayRetentionMs(), "past + future, and a second of whole-second clocks");
        assertEquals(720_000, window.spanMs());
        // the default cache, 128 MiB: 2^22 keys over 721 s
        assertEquals(5817, (long)window.coveredHandshakesPerSecond(1 << 22));
        assertEquals(0, (long)window.coveredHandshakesPerSecond(0));
        assertEquals(ClockWindow.DEFAULT, window);
    }

    @Test
    void shouldReadTheUnknownSniPolicy()
    {
        assertSame(UnknownSni.CLOAK, UnknownSni.fromCliName("cloak"));
        assertSame(UnknownSni.RESET, UnknownSni.fromCliName("reset"));
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> UnknownSni.fromCliName("drop"));
        assertEquals("bad --unknown-sni 'drop': expected cloak or reset", ex.getMessage());
        assertSame(UnknownSni.CLOAK, HelloPolicy.DEFAULT.unknownSni());
    }
}
