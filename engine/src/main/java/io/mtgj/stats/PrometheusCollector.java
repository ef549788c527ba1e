package io.mtgj.stats;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * The proxy's metrics for Prometheus, computed at scrape time: the reactors' counters summed through a
 * {@link StatsSource}, and the latencies as histograms in seconds from the reactors' HdrHistogram recorders
 * (accumulated on the scraping thread). Histograms rather than summaries: they add up across instances, and their
 * count and buckets stay meaningful over any range a query picks. Scrapes are serialized.
 */
public final class PrometheusCollector extends Collector
{
    /** Histogram bucket bounds, seconds: 100 µs (a loopback handshake) to 30 s (a timed-out dial). */
    static final double[] BUCKETS_SECONDS =
    {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
    };

    private static final List<String> MODE = List.of(MetricNames.LABEL_MODE);
    private static final List<String> MODE_IP_FAMILY = List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_IP_FAMILY);
    private static final List<String> MODE_DC = List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_DC);
    private static final List<String> MODE_DC_MIDDLE_PROXY =
        List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_DC, MetricNames.LABEL_MIDDLE_PROXY);
    private static final List<String> MODE_DIRECTION = List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_DIRECTION);
    private static final List<String> MODE_DC_DIRECTION =
        List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_DC, MetricNames.LABEL_DIRECTION);
    private static final List<String> MODE_REASON = List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_REASON);
    private static final List<String> MODE_USER = List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_USER);
    private static final List<String> MODE_USER_DIRECTION =
        List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_USER, MetricNames.LABEL_DIRECTION);
    private static final List<String> MODE_USER_REASON =
        List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_USER, MetricNames.LABEL_REASON);
    private static final List<String> MODE_LE = List.of(MetricNames.LABEL_MODE, "le");
    private static final List<String> MODE_RESULT = List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_RESULT);
    private static final List<String> MODE_RESULT_LE = List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_RESULT, "le");

    private final String namespace;
    private final String mode;
    private final List<String> modeValue;
    private final StatsSource source;
    private final StatsSnapshot snapshot;
    private final LatencyHistograms[] latencies;
    private final ClockSkews[] clockSkews;

    /**
     * @param namespace prefix of every name; empty for none.
     * @param mode      the instance's secret mode, the value of the {@code mode} label.
     * @param source    sums the reactors' counters.
     * @param snapshot  the snapshot this collector fills (and owns from now on).
     * @param reactors  every reactor's latency recorders; disabled ones are skipped.
     */
    public PrometheusCollector(
        final String namespace,
        final String mode,
        final StatsSource source,
        final StatsSnapshot snapshot,
        final List<LatencyRecorders> reactors)
    {
        this.namespace = namespace;
        this.mode = mode;
        this.modeValue = List.of(mode);
        this.source = source;
        this.snapshot = snapshot;
        this.latencies = new LatencyHistograms[Latency.values().length];
        for (final Latency latency : Latency.values())
        {
            latencies[latency.ordinal()] = new LatencyHistograms(latency, reactors);
        }
        final List<ClockSkews> skews = new ArrayList<>();
        for (final LatencyRecorders recorders : reactors)
        {
            if (null != recorders.clockSkews())
            {
                skews.add(recorders.clockSkews());
            }
        }
        this.clockSkews = skews.toArray(new ClockSkews[0]);
    }

    @Override
    public synchronized List<MetricFamilySamples> collect()
    {
        source.snapshot(snapshot);
        final List<MetricFamilySamples> families = new ArrayList<>(29);
        families.add(connections());
        if (snapshot.isMiddleProxyMode())
        {
            middleProxies(families);
        }
        else
        {
            families.add(telegramConnections());
        }
        if (snapshot.hasSocks5Servers())
        {
            socks5Servers(families);
        }
        families.add(counter(MetricNames.ACCEPTED_CONNECTIONS, "Client connections accepted.",
            snapshot.acceptedConnections()));
        families.add(counter(MetricNames.CLIENT_HANDSHAKES, "Client handshakes accepted: the client knows the secret.",
            snapshot.clientHandshakes()));
        families.add(byReason(MetricNames.CLOSED_CONNECTIONS, "Client connections closed, by why.",
            snapshot.closeReasons(), snapshot::closedConnections));
        families.add(counter(MetricNames.CRASHES, "Connections closed by an unexpected exception in a handler.",
            snapshot.crashes()));
        families.add(traffic());
        families.add(telegramTraffic());
        families.add(cloakTraffic());
        families.add(counter(MetricNames.REPLAY_ATTACKS, "Handshakes seen before, refused as replay attacks.",
            snapshot.replayAttacks()));
        families.add(counter(MetricNames.CLOAKED_CONNECTIONS, "Connections fronted, untouched, to the cloak host.",
            snapshot.cloakedConnections()));
        families.add(byReason(MetricNames.HANDSHAKE_FAILURES, "Client handshakes refused, by why (replays included).",
            snapshot.handshakeFailureReasons(), snapshot::handshakeFailures));
        families.add(byReason(MetricNames.REJECTED_CONNECTIONS, "Connections refused by a limit before a handshake.",
            snapshot.rejectReasons(), snapshot::rejectedConnections));
        families.add(gauge(MetricNames.BUFFERS_IN_USE, "Relay buffers leased from the pools.",
            snapshot.buffersInUse()));
        families.add(gauge(MetricNames.BUFFER_MEMORY_BYTES, "Size of the shared buffer arena (--buffer-memory), bytes.",
            snapshot.bufferMemoryBytes()));
        families.add(gauge(MetricNames.BUFFER_LEASED_BYTES, "Bytes of the buffer arena leased to connections now.",
            snapshot.bufferLeasedBytes()));
        families.add(gauge(MetricNames.BUFFER_WAITING_CONNECTIONS,
            "Connections (middle-proxy ones included) waiting for a buffer now, their reads paused.",
            snapshot.bufferWaitingConnections()));
        families.add(counter(MetricNames.BUFFER_WAITS, "Times a connection had to wait for a buffer.",
            snapshot.bufferWaits()));
        families.add(counter(MetricNames.STALLED_CONNECTIONS,
            "Relays closed because their peer accepted no byte for --stall-timeout.", snapshot.stalledConnections()));
        families.add(counter(MetricNames.SILENT_AFTER_HANDSHAKE, "Clients that completed their handshake and then " +
            "moved no byte in either direction within the handshake timeout (at most 5 s): with FakeTLS, the " +
            "signature of a network that silently drops a flow after its handshake.",
            snapshot.silentAfterHandshake()));
        if (snapshot.isClockChecked())
        {
            clock(families);
        }
        if (snapshot.hasUsers())
        {
            users(families);
        }
        for (final LatencyHistograms latency : latencies)
        {
            latency.accumulate();
            families.add(histogram(latency));
        }
        families.add(clockSkews());
        return families;
    }

    private String name(final String metric)
    {
        return MetricNames.prometheusName(namespace, metric);
    }

    private MetricFamilySamples counter(final String metric, final String help, final long value)
    {
        return new CounterMetricFamily(name(metric), help, MODE).addMetric(modeValue, value);
    }

    private MetricFamilySamples gauge(final String metric, final String help, final long value)
    {
        return new GaugeMetricFamily(name(metric), help, MODE).addMetric(modeValue, value);
    }

    private MetricFamilySamples connections()
    {
        final GaugeMetricFamily family = new GaugeMetricFamily(name(MetricNames.CLIENT_CONNECTIONS),
            "Client connections open now.", MODE_IP_FAMILY);
        for (final IpFamily ipFamily : IpFamily.values())
        {
            family.addMetric(List.of(mode, ipFamily.label()), snapshot.clientConnections(ipFamily));
        }
        return family;
    }

    private MetricFamilySamples telegramConnections()
    {
        final GaugeMetricFamily family = new GaugeMetricFamily(name(MetricNames.TELEGRAM_CONNECTIONS),
            "Connections to Telegram open now, by the DC the client asked for.", MODE_DC);
        for (int dc = 0; dc < DcLabel.COUNT; dc++)
        {
            family.addMetric(List.of(mode, DcLabel.label(dc)), snapshot.telegramConnections(dc));
        }
        return family;
    }

    /**
     * Promoted-channel mode: Telegram connections are the pooled middle-proxy connections, by middle proxy.
     */
    private void middleProxies(final List<MetricFamilySamples> families)
    {
        final GaugeMetricFamily open = new GaugeMetricFamily(name(MetricNames.TELEGRAM_CONNECTIONS),
            "Connections to Telegram open now: pooled middle-proxy connections, by DC cluster and middle proxy.",
            MODE_DC_MIDDLE_PROXY);
        final CounterMetricFamily failures = new CounterMetricFamily(name(MetricNames.MIDDLE_PROXY_FAILURES),
            "Middle-proxy connections that broke or could not be set up.", MODE_DC_MIDDLE_PROXY);
        snapshot.forEachMiddleProxy((dcLabel, address, connections, failed) ->
        {
            open.addMetric(List.of(mode, DcLabel.label(dcLabel), address), connections);
            failures.addMetric(List.of(mode, DcLabel.label(dcLabel), address), failed);
        });
        families.add(open);
        families.add(failures);
    }

    /**
     * {@code --socks5}: one row per configured server, so the label is as bounded as the configuration.
     */
    private void socks5Servers(final List<MetricFamilySamples> families)
    {
        final List<String> serverLabels = List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_SOCKS5_SERVER);
        final GaugeMetricFamily up = new GaugeMetricFamily(name(MetricNames.SOCKS5_SERVER_UP),
            "1 while a SOCKS5 server is usable (resolved, its last dial did not fail on its side), else 0.",
            serverLabels);
        final CounterMetricFamily tunnels = new CounterMetricFamily(name(MetricNames.SOCKS5_TUNNELS),
            "Connections to Telegram set up through a SOCKS5 server.", serverLabels);
        final CounterMetricFamily failures = new CounterMetricFamily(name(MetricNames.SOCKS5_FAILURES),
            "Dials through a SOCKS5 server that failed, by why.",
            List.of(MetricNames.LABEL_MODE, MetricNames.LABEL_SOCKS5_SERVER, MetricNames.LABEL_REASON));
        for (final StatsSnapshot.Socks5Row row : snapshot.socks5Servers())
        {
            up.addMetric(List.of(mode, row.server()), row.up() ? 1 : 0);
            tunnels.addMetric(List.of(mode, row.server()), row.tunnels());
            for (int i = 0; i < row.failureLabels().length; i++)
            {
                failures.addMetric(List.of(mode, row.server(), row.failureLabels()[i]), row.failures()[i]);
            }
        }
        families.add(up);
        families.add(tunnels);
        families.add(failures);
    }

    /**
     * The clock check: its failures from the start, the offset only once measured (a made-up 0 would read as a
     * perfect clock).
     */
    private void clock(final List<MetricFamilySamples> families)
    {
        if (snapshot.hasClockOffset())
        {
            families.add(new GaugeMetricFamily(name(MetricNames.CLOCK_OFFSET_SECONDS),
                "The local clock minus NTP's at the last clock check, seconds: positive when the local clock is " +
                "ahead. FakeTLS clients are refused beyond --tolerate-time-skewness.", MODE)
                .addMetric(modeValue, snapshot.clockOffsetSeconds()));
        }
        families.add(counter(MetricNames.CLOCK_CHECK_FAILURES,
            "SNTP queries of the clock check that got no usable answer (one per server asked).",
            snapshot.clockCheckFailures()));
    }

    /**
     * Named users: one row per configured name, so the label stays as bounded as the configuration.
     */
    private void users(final List<MetricFamilySamples> families)
    {
        final GaugeMetricFamily connections = new GaugeMetricFamily(name(MetricNames.USER_CONNECTIONS),
            "A named user's client connections open now.", MODE_USER);
        final CounterMetricFamily traffic = new CounterMetricFamily(name(MetricNames.USER_TRAFFIC_BYTES),
            "Bytes read from (ingress) and written to (egress) a named user's clients.", MODE_USER_DIRECTION);
        final CounterMetricFamily failures = new CounterMetricFamily(name(MetricNames.USER_HANDSHAKE_FAILURES),
            "Handshake failures and refusals after a client proved which user it is, by why.", MODE_USER_REASON);
        snapshot.forEachUser((user, open, ingressBytes, egressBytes, failureLabels, failed) ->
        {
            connections.addMetric(List.of(mode, user), open);
            traffic.addMetric(List.of(mode, user, Direction.INGRESS.label()), ingressBytes);
            traffic.addMetric(List.of(mode, user, Direction.EGRESS.label()), egressBytes);
            for (int i = 0; i < failureLabels.length; i++)
            {
                failures.addMetric(List.of(mode, user, failureLabels[i]), failed[i]);
            }
        });
        families.add(connections);
        families.add(traffic);
        families.add(failures);
    }

    private MetricFamilySamples traffic()
    {
        final CounterMetricFamily family = new CounterMetricFamily(name(MetricNames.TRAFFIC_BYTES),
            "Bytes read from (ingress) and written to (egress) client sockets.", MODE_DIRECTION);
        for (final Direction direction : Direction.values())
        {
            family.addMetric(List.of(mode, direction.label()), snapshot.clientBytes(direction));
        }
        return family;
    }

    private MetricFamilySamples telegramTraffic()
    {
        final CounterMetricFamily family = new CounterMetricFamily(name(MetricNames.TELEGRAM_TRAFFIC_BYTES),
            "Bytes read from (ingress) and written to (egress) Telegram, by the DC the client asked for.",
            MODE_DC_DIRECTION);
        for (int dc = 0; dc < DcLabel.COUNT; dc++)
        {
            for (final Direction direction : Direction.values())
            {
                family.addMetric(List.of(mode, DcLabel.label(dc), direction.label()),
                    snapshot.telegramBytes(dc, direction));
            }
        }
        return family;
    }

    private MetricFamilySamples cloakTraffic()
    {
        final CounterMetricFamily family = new CounterMetricFamily(name(MetricNames.CLOAK_TRAFFIC_BYTES),
            "Bytes read from (ingress) and written to (egress) the cloak host.", MODE_DIRECTION);
        for (final Direction direction : Direction.values())
        {
            family.addMetric(List.of(mode, direction.label()), snapshot.cloakBytes(direction));
        }
        return family;
    }

    private MetricFamilySamples byReason(
        final String metric, final String help, final List<String> reasons, final IntToLongFunction values)
    {
        final CounterMetricFamily family = new CounterMetricFamily(name(metric), help, MODE_REASON);
        for (int i = 0; i < reasons.size(); i++)
        {
            family.addMetric(List.of(mode, reasons.get(i)), values.applyAsLong(i));
        }
        return family;
    }

    /**
     * The clock skew of FakeTLS clients summed over the reactors, cumulative per bucket as Prometheus wants, with
     * negative bounds: no {@code _sum}, which negative values would turn into something no rate() can read.
     */
    private MetricFamilySamples clockSkews()
    {
        final String name = name(MetricNames.CLIENT_CLOCK_SKEW_SECONDS);
        final List<MetricFamilySamples.Sample> samples = new ArrayList<>(2 * (ClockSkews.BUCKETS + 1));
        for (final boolean accepted : new boolean[] {true, false})
        {
            final String result = accepted ? "accepted" : "rejected";
            long cumulative = 0;
            for (int bucket = 0; bucket < ClockSkews.BUCKETS; bucket++)
            {
                for (final ClockSkews reactor : clockSkews)
                {
                    cumulative += reactor.count(accepted, bucket);
                }
                final String bound = bucket < ClockSkews.BOUNDS_SECONDS.length ?
                    Collector.doubleToGoString(ClockSkews.BOUNDS_SECONDS[bucket]) : "+Inf";
                samples.add(new MetricFamilySamples.Sample(name + "_bucket", MODE_RESULT_LE,
                    List.of(mode, result, bound), cumulative));
            }
            samples.add(new MetricFamilySamples.Sample(name + "_count", MODE_RESULT, List.of(mode, result),
                cumulative));
        }
        return new MetricFamilySamples(name, Type.HISTOGRAM, "FakeTLS clients' clock minus ours, seconds " +
            "(negative: behind), from hellos proven ours: accepted, or rejected for their time " +
            "(--tolerate-time-skewness).", samples);
    }

    private MetricFamilySamples histogram(final LatencyHistograms latency)
    {
        final String name = name(latency.latency().metricName());
        final List<MetricFamilySamples.Sample> samples = new ArrayList<>(BUCKETS_SECONDS.length + 3);
        for (final double bound : BUCKETS_SECONDS)
        {
            samples.add(new MetricFamilySamples.Sample(name + "_bucket", MODE_LE,
                List.of(mode, Collector.doubleToGoString(bound)), latency.countAtOrBelow(bound)));
        }
        final long count = latency.count();
        samples.add(new MetricFamilySamples.Sample(name + "_bucket", MODE_LE, List.of(mode, "+Inf"), count));
        samples.add(new MetricFamilySamples.Sample(name + "_count", MODE, modeValue, count));
        samples.add(new MetricFamilySamples.Sample(name + "_sum", MODE, modeValue, latency.sumSeconds()));
        return new MetricFamilySamples(name, Type.HISTOGRAM, latency.latency().help(), samples);
    }
}
