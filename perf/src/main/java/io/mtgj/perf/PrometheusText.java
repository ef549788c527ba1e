package io.mtgj.perf;

/**
 * Reads one metric out of a Prometheus text exposition (what {@code mtg run -t} serves on {@code /metrics}).
 */
final class PrometheusText
{
    private PrometheusText()
    {
    }

    /**
     * @param text a scrape.
     * @param name the metric's full name, e.g. {@code mtg_buffer_leased_bytes}.
     * @return the sum of its samples over every label set, or NaN when the scrape has none.
     */
    static double sum(final String text, final String name)
    {
        double sum = 0;
        boolean found = false;
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("#") || !line.startsWith(name) || line.length() == name.length())
            {
                continue;
            }
            final char next = line.charAt(name.length());
            if ('{' != next && ' ' != next)
            {
                continue; // another metric whose name starts with this one
            }
            final int valueStart = '{' == next ? line.indexOf("} ", name.length()) + 2 : name.length() + 1;
            if (valueStart < name.length())
            {
                continue;
            }
            final String[] fields = line.substring(valueStart).trim().split("\\s+");
            try
            {
                sum += Double.parseDouble(fields[0]);
                found = true;
            }
            catch (final NumberFormatException ignore)
            {
                // not a sample line
            }
        }
        return found ? sum : Double.NaN;
    }
}
