package io.mtgj.config;

import java.util.Locale;

/**
 * Durations as users write them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}.
 */
public final class Durations
{
    private Durations()
    {
    }

    /**
     * @param text a whole number followed by ms, s, m or h.
     * @return milliseconds.
     * @throws IllegalArgumentException naming the value when it cannot be read.
     */
    public static long parseMs(final String text)
    {
        final String s = text.trim().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end)))
        {
            end++;
        }
        if (0 == end || end > 12)
        {
            throw new IllegalArgumentException("bad duration '" + text + "' (expected e.g. 500ms, 10s, 2m)");
        }
        final long number = Long.parseLong(s.substring(0, end));
        switch (s.substring(end))
        {
            case "ms":
                return number;
            case "s":
                return number * 1000L;
            case "m":
                return number * 60_000L;
            case "h":
                return number * 3_600_000L;
            default:
                throw new IllegalArgumentException("bad duration '" + text + "': unknown unit (use ms, s, m or h)");
        }
    }

    /**
     * @param ms milliseconds.
     * @return the shortest exact form.
     */
    public static String format(final long ms)
    {
        if (ms != 0 && 0 == ms % 3_600_000L)
        {
            return ms / 3_600_000L + "h";
        }
        if (ms != 0 && 0 == ms % 60_000L)
        {
            return ms / 60_000L + "m";
        }
        if (ms != 0 && 0 == ms % 1000L)
        {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }

    /**
     * @param name the flag, for the message.
     * @param ms   a duration.
     * @return it, when positive.
     * @throws IllegalArgumentException naming the flag otherwise.
     */
    static long checkPositive(final String name, final long ms)
    {
        if (ms <= 0)
        {
            throw new IllegalArgumentException("bad " + name + " " + ms + "ms: must be positive");
        }
        return ms;
    }
}
