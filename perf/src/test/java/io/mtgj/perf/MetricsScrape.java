package io.mtgj.perf;

import io.mtgj.LoopbackHttp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Plain HTTP GETs against the proxy's stats endpoint, and the Prometheus text format read into a map.
 */
final class MetricsScrape
{
    private static final int TIMEOUT_MS = 10_000;

    private final Map<String, Double> samples;

    private MetricsScrape(final Map<String, Double> samples)
    {
        this.samples = samples;
    }

    /**
     * @param stats the endpoint's address.
     * @return every sample of {@code /metrics}.
     * @throws IOException when the request fails.
     */
    static MetricsScrape scrape(final InetSocketAddress stats) throws IOException
    {
        final Map<String, Double> samples = new HashMap<>();
        for (final String line : get(stats, "/metrics", 200).split("\n"))
        {
            if (!line.isEmpty() && !line.startsWith("#"))
            {
                final int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space).replace(",}", "}"), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return new MetricsScrape(samples);
    }

    /**
     * @param stats  the endpoint's address.
     * @param path   a path.
     * @param status the status expected.
     * @return the body.
     * @throws IOException when the request fails.
     */
    static String get(final InetSocketAddress stats, final String path, final int status) throws IOException
    {
        return LoopbackHttp.get(stats, path, status, TIMEOUT_MS);
    }

    /**
     * @param sample a sample as written, labels in order.
     * @return whether the scrape has it.
     */
    boolean has(final String sample)
    {
        return samples.containsKey(sample);
    }

    /**
     * @param sample a sample as written, labels in order, e.g. {@code mtg_clock_offset_seconds{mode="tls"}}.
     * @return its value, fraction included.
     */
    double fraction(final String sample)
    {
        final Double value = samples.get(sample);
        assertNotNull(value, sample + " not among " + samples.keySet());
        return value;
    }

    /**
     * @param sample a sample as written, labels in order, e.g. {@code mtg_crashes_total{mode="simple"}}.
     * @return its value as a whole number.
     */
    long value(final String sample)
    {
        final Double value = samples.get(sample);
        assertNotNull(value, sample + " not among " + samples.keySet());
        return Math.round(value);
    }
}
