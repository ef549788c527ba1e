package io.mtgj.config;

import java.util.Locale;

/**
 * Sizes with units as users write them: {@code 32KB}, {@code 1MB}, {@code 512}; units are powers of 1024, as in
 * mtg v1.
 */
public final class ByteSize
{
    private ByteSize()
    {
    }

    /**
     * @param text a number with an optional unit B, KB, MB, GB (also KiB, MiB, GiB, K, M, G), any case.
     * @return the size in bytes.
     * @throws IllegalArgumentException naming the value when it cannot be read.
     */
    public static long parse(final String text)
    {
        final String s = text.trim().toUpperCase(Locale.ROOT);
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end)))
        {
            end++;
        }
        if (0 == end || end > 12)
        {
            throw new IllegalArgumentException("bad size '" + text + "' (expected e.g. 32KB, 1MB)");
        }
        final long number = Long.parseLong(s.substring(0, end));
        final long multiplier;
        switch (s.substring(end).trim())
        {
            case "":
            case "B":
                multiplier = 1;
                break;
            case "K":
            case "KB":
            case "KIB":
                multiplier = 1L << 10;
                break;
            case "M":
            case "MB":
            case "MIB":
                multiplier = 1L << 20;
                break;
            case "G":
            case "GB":
            case "GIB":
                multiplier = 1L << 30;
                break;
            default:
                throw new IllegalArgumentException("bad size '" + text + "': unknown unit (use B, KB, MB or GB)");
        }
        if (number > Long.MAX_VALUE / multiplier)
        {
            throw new IllegalArgumentException("bad size '" + text + "': too large");
        }
        return number * multiplier;
    }

    /**
     * @param bytes a size.
     * @return the shortest exact form, e.g. {@code 32KB}.
     */
    public static String format(final long bytes)
    {
        if (bytes != 0 && 0 == bytes % (1L << 30))
        {
            return (bytes >> 30) + "GB";
        }
        if (bytes != 0 && 0 == bytes % (1L << 20))
        {
            return (bytes >> 20) + "MB";
        }
        if (bytes != 0 && 0 == bytes % (1L << 10))
        {
            return (bytes >> 10) + "KB";
        }
        return bytes + "B";
    }
}
