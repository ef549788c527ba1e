package io.mtgj.config;

import java.util.concurrent.TimeUnit;

/**
 * How far a FakeTLS client's clock may be from ours ({@code --tolerate-time-skewness}): its hello carries its unix
 * time (protocol.md 4.3), accepted from {@code pastMs} behind our clock to {@code futureMs} ahead of it, both ends
 * included, in whole seconds as the hello carries them.
 * <p>
 * The window is also how long a recorded hello stays good for its time: one recorded at time r carries at least
 * r - past and at most r + future, so it passes the time check until r + past + future at most. The anti-replay
 * cache refuses it meanwhile if it still holds the hello's random: it must remember every accepted handshake that
 * long ({@link #replayRetentionMs()}, {@link #coveredHandshakesPerSecond(long)}).
 *
 * @param pastMs   how far behind ours a client's clock may be, milliseconds, whole seconds.
 * @param futureMs how far ahead of ours a client's clock may be, milliseconds, whole seconds.
 */
public record ClockWindow(long pastMs, long futureMs)
{
    /** Longest accepted side: a day, far beyond any clock worth serving. Before DEFAULT, which it checks. */
    public static final long MAX_SIDE_MS = TimeUnit.DAYS.toMillis(1);
    /**
     * The default, 10 minutes behind and 2 minutes ahead. Behind: the official proxy's 10 minutes, so a client that
     * works through Telegram's own proxy works here; a hello's time also ages on its way (retries, slow networks, a
     * phone's stale idea of Telegram's time), never the other way. Ahead: only a fast clock puts a hello in the
     * future, and 2 minutes forgive a phone a minute or two fast, which the official 3 s refuse. The 12 minutes are
     * covered by the default anti-replay cache up to about 5,800 handshakes a second.
     */
    public static final ClockWindow DEFAULT = new ClockWindow(TimeUnit.MINUTES.toMillis(10),
        TimeUnit.MINUTES.toMillis(2));
    /** The flag this is read from, named by errors. */
    public static final String FLAG = "--tolerate-time-skewness";

    private static final long MS_PER_SECOND = 1000;
    private static final String EXPECTED = "expected DURATION (as far both ways) or PAST,FUTURE (how far behind, " +
        "how far ahead of our clock), whole seconds up to 24h, e.g. 2m or 10m,30s";

    /**
     * @throws IllegalArgumentException naming the flag and the expected form when a side is negative, longer than
     *                                  {@link #MAX_SIDE_MS}, not whole seconds, or both are 0.
     */
    public ClockWindow
    {
        if (!isSide(pastMs) || !isSide(futureMs) || 0 == pastMs + futureMs)
        {
            throw new IllegalArgumentException("bad " + FLAG + " '" + format(pastMs, futureMs) + "': " + EXPECTED);
        }
    }

    /**
     * @param ms how far either way.
     * @return the symmetric window.
     */
    public static ClockWindow symmetric(final long ms)
    {
        return new ClockWindow(ms, ms);
    }

    /**
     * @param text {@code DURATION} (as far both ways) or {@code PAST,FUTURE}, e.g. {@code 2m} or {@code 10m,30s}.
     * @return the window.
     * @throws IllegalArgumentException naming the flag, the value and the expected form.
     */
    public static ClockWindow parse(final String text)
    {
        final String[] parts = text.trim().split(",", -1);
        if (parts.length > 2)
        {
            throw new IllegalArgumentException("bad " + FLAG + " '" + text + "': " + EXPECTED);
        }
        try
        {
            final long pastMs = Durations.parseMs(parts[0]);
            return new ClockWindow(pastMs, 1 == parts.length ? pastMs : Durations.parseMs(parts[1]));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("bad " + FLAG + " '" + text + "': " + EXPECTED, ex);
        }
    }

    /**
     * @return the form {@link #parse} reads: {@code 2m} when symmetric, else {@code 10m,2m}.
     */
    public String format()
    {
        return format(pastMs, futureMs);
    }

    /**
     * @return how far behind ours a client's clock may be, seconds.
     */
    public long pastSeconds()
    {
        return pastMs / MS_PER_SECOND;
    }

    /**
     * @return how far ahead of ours a client's clock may be, seconds.
     */
    public long futureSeconds()
    {
        return futureMs / MS_PER_SECOND;
    }

    /**
     * @param skewSeconds the client's time minus ours, seconds: negative when it is behind.
     * @return whether it is inside the window, ends included.
     */
    public boolean admits(final long skewSeconds)
    {
        return skewSeconds >= -pastSeconds() && skewSeconds <= futureSeconds();
    }

    /**
     * @return the whole span, past plus future, milliseconds.
     */
    public long spanMs()
    {
        return pastMs + futureMs;
    }

    /**
     * How long after it was recorded an accepted handshake's key must be remembered: a hello recorded at r passes
     * the time check until r + past + future, and one more second because both clocks are read in whole seconds
     * (the hello's, and ours truncated).
     *
     * @return past + future + 1 s, milliseconds.
     */
    public long replayRetentionMs()
    {
        return spanMs() + MS_PER_SECOND;
    }

    /**
     * The handshake rate an anti-replay cache holding at least {@code keys} of the most recent keys covers: below it,
     * every handshake accepted within the window is still remembered when its replay would pass the time check.
     *
     * @param keys keys the cache always remembers (its generation's capacity); 0 for no cache.
     * @return handshakes a second, over the whole window.
     */
    public double coveredHandshakesPerSecond(final long keys)
    {
        return keys * (double)MS_PER_SECOND / replayRetentionMs();
    }

    private static boolean isSide(final long ms)
    {
        return ms >= 0 && ms <= MAX_SIDE_MS && 0 == ms % MS_PER_SECOND;
    }

    private static String format(final long pastMs, final long futureMs)
    {
        return pastMs == futureMs ? Durations.format(pastMs) :
            Durations.format(pastMs) + "," + Durations.format(futureMs);
    }
}
