package io.mtgj.perf;

import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a load run measured, over its measured window only.
 *
 * @param seconds        measured window.
 * @param bytesUp        payload bytes sent.
 * @param bytesDown      payload bytes received.
 * @param handshakes     connections that completed their first round trip.
 * @param requests       round trips (echo and handshake-only).
 * @param latencyMicros  round-trip latency from the intended send time (open loop) in microseconds.
 * @param errors         errors by kind.
 */
public record LoadResult(
    double seconds,
    long bytesUp,
    long bytesDown,
    long handshakes,
    long requests,
    Histogram latencyMicros,
    Map<String, Long> errors)
{
    private static final double MB = 1_000_000.0;

    /**
     * @return payload megabytes (10^6) per second, both directions together.
     */
    public double throughputMBps()
    {
        return (bytesUp + bytesDown) / MB / seconds;
    }

    /**
     * @return completed handshakes per second.
     */
    public double handshakesPerSecond()
    {
        return handshakes / seconds;
    }

    /**
     * @param percentile 0..100.
     * @return latency at that percentile in milliseconds.
     */
    public double latencyMs(final double percentile)
    {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * @return total errors.
     */
    public long errorCount()
    {
        long total = 0;
        for (final long count : errors.values())
        {
            total += count;
        }
        return total;
    }

    /**
     * @return the human summary.
     */
    public String summary()
    {
        return String.format(Locale.ROOT,
            "window %.1f s: throughput %.1f MB/s (up %.1f, down %.1f), handshakes %.1f/s, requests %.1f/s%n" +
            "latency ms: p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f (%d samples)%n" +
            "errors: %s",
            seconds, throughputMBps(), bytesUp / MB / seconds, bytesDown / MB / seconds, handshakesPerSecond(),
            requests / seconds, latencyMs(50), latencyMs(90), latencyMs(99), latencyMs(99.9),
            latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMaxValue() / 1000.0,
            latencyMicros.getTotalCount(), errors.isEmpty() ? "none" : new TreeMap<>(errors));
    }

    /**
     * @return the same figures as a JSON object.
     */
    public String toJson()
    {
        final StringBuilder json = new StringBuilder(512);
        json.append(String.format(Locale.ROOT,
            "{\"seconds\":%.3f,\"bytes_up\":%d,\"bytes_down\":%d,\"throughput_mb_per_s\":%.3f," +
            "\"handshakes\":%d,\"handshakes_per_s\":%.3f,\"requests\":%d,\"latency_ms\":{\"p50\":%.3f," +
            "\"p90\":%.3f,\"p99\":%.3f,\"p99_9\":%.3f,\"max\":%.3f,\"count\":%d},\"errors\":{",
            seconds, bytesUp, bytesDown, throughputMBps(), handshakes, handshakesPerSecond(), requests,
            latencyMs(50), latencyMs(90), latencyMs(99), latencyMs(99.9),
            latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMaxValue() / 1000.0,
            latencyMicros.getTotalCount()));
        String separator = "";
        for (final Map.Entry<String, Long> error : new TreeMap<>(errors).entrySet())
        {
            json.append(separator).append('"').append(error.getKey()).append("\":").append(error.getValue());
            separator = ",";
        }
        return json.append("}}").toString();
    }
}
