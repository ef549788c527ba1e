package io.mtgj.stats;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class PrometheusCollectorTest
{
    private static final long US = 1000;
    private static final long MS = 1000 * US;

    private static final StatsSource SOURCE = into ->
    {
        into.clear();
        into.addClientConnections(IpFamily.IPV6, 4);
        into.addTelegramConnections(DcLabel.index(203), 2);
        into.addTelegramConnections(DcLabel.index(99), 1);
        into.addAcceptedConnections(40);
        into.addClientHandshakes(30);
        into.addClosedConnections(1, 6);
        into.addCrashes(3);
        into.addClientBytes(Direction.INGRESS, 1000);
        into.addClientBytes(Direction.EGRESS, 2000);
        into.addTelegramBytes(DcLabel.index(-2), Direction.EGRESS, 900);
        into.addCloakBytes(Direction.INGRESS, 77);
        into.addReplayAttacks(2);
        into.addCloakedConnections(5);
        into.addHandshakeFailures(0, 2);
        into.addRejectedConnections(0, 0);
        into.addBuffersInUse(8);
        into.addBufferMemoryBytes(64L << 20);
        into.addBufferLeasedBytes(3 * 16384);
        into.addBufferWaitingConnections(6);
        into.addBufferWaits(11);
        into.addStalledConnections(9);
    };

    private static StatsSnapshot snapshot()
    {
        return new StatsSnapshot(List.of("replay", "not_tls"), List.of("done", "bad_handshake"),
            List.of("connection_limit"));
    }

    private static Map<String, Double> scrape(final CollectorRegistry registry) throws IOException
    {
        final StringWriter text = new StringWriter();
        TextFormat.write004(text, registry.metricFamilySamples());
        final Map<String, Double> samples = new HashMap<>();
        for (final String line : text.toString().split("\n"))
        {
            if (!line.startsWith("#") && !line.isEmpty())
            {
                final int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space).replace(",}", "}"), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    @Test
    void shouldExportCountersAndGaugesWithBoundedLabels() throws IOException
    {
        final CollectorRegistry registry = new CollectorRegistry(true);
        registry.register(new PrometheusCollector("mtg", "tls", SOURCE, snapshot(), List.of()));

        final Map<String, Double> samples = scrape(registry);

        assertEquals(0.0, samples.get("mtg_client_connections{mode=\"tls\",ip_family=\"ipv4\"}"));
        assertEquals(4.0, samples.get("mtg_client_connections{mode=\"tls\",ip_family=\"ipv6\"}"));
        assertEquals(2.0, samples.get("mtg_telegram_connections{mode=\"tls\",dc=\"203\"}"));
        assertEquals(1.0, samples.get("mtg_telegram_connections{mode=\"tls\",dc=\"other\"}"));
        assertEquals(40.0, samples.get("mtg_accepted_connections_total{mode=\"tls\"}"));
        assertEquals(30.0, samples.get("mtg_client_handshakes_total{mode=\"tls\"}"));
        assertEquals(6.0, samples.get("mtg_closed_connections_total{mode=\"tls\",reason=\"bad_handshake\"}"));
        assertEquals(3.0, samples.get("mtg_crashes_total{mode=\"tls\"}"));
        assertEquals(1000.0, samples.get("mtg_traffic_bytes_total{mode=\"tls\",direction=\"ingress\"}"));
        assertEquals(2000.0, samples.get("mtg_traffic_bytes_total{mode=\"tls\",direction=\"egress\"}"));
        assertEquals(900.0,
            samples.get("mtg_telegram_traffic_bytes_total{mode=\"tls\",dc=\"2\",direction=\"egress\"}"));
        assertEquals(77.0, samples.get("mtg_cloak_traffic_bytes_total{mode=\"tls\",direction=\"ingress\"}"));
        assertEquals(2.0, samples.get("mtg_replay_attacks_total{mode=\"tls\"}"));
        assertEquals(5.0, samples.get("mtg_cloaked_connections_total{mode=\"tls\"}"));
        assertEquals(2.0, samples.get("mtg_handshake_failures_total{mode=\"tls\",reason=\"replay\"}"));
        assertEquals(0.0, samples.get("mtg_handshake_failures_total{mode=\"tls\",reason=\"not_tls\"}"));
        assertEquals(0.0, samples.get("mtg_rejected_connections_total{mode=\"tls\",reason=\"connection_limit\"}"));
        assertEquals(8.0, samples.get("mtg_buffers_in_use{mode=\"tls\"}"));
        assertEquals(67108864.0, samples.get("mtg_buffer_memory_bytes{mode=\"tls\"}"));
        assertEquals(49152.0, samples.get("mtg_buffer_leased_bytes{mode=\"tls\"}"));
        assertEquals(6.0, samples.get("mtg_buffer_waiting_connections{mode=\"tls\"}"));
        assertEquals(11.0, samples.get("mtg_buffer_waits_total{mode=\"tls\"}"));
        assertEquals(9.0, samples.get("mtg_stalled_connections_total{mode=\"tls\"}"));
        assertEquals(0.0, samples.get("mtg_client_handshake_seconds_count{mode=\"tls\"}"), "no recorder, no value");
        for (final String sample : samples.keySet())
        {
            assertTrue(sample.startsWith("mtg_"), sample);
        }
    }

    @Test
    void shouldLabelTelegramConnectionsByMiddleProxyWithAnAdTag() throws IOException
    {
        final StatsSource adTag = into ->
        {
            SOURCE.snapshot(into);
            into.middleProxyMode();
            into.addMiddleProxy(DcLabel.index(2), "149.154.161.144:8888", 2, 0);
            into.addMiddleProxy(DcLabel.index(-2), "149.154.161.144:8888", 1, 3); // same label: summed
            into.addMiddleProxy(DcLabel.index(4), "91.108.4.212:8888", 1, 1);
        };
        final CollectorRegistry registry = new CollectorRegistry(true);
        registry.register(new PrometheusCollector("mtg", "secured", adTag, snapshot(), List.of()));

        final Map<String, Double> samples = scrape(registry);

        assertEquals(3.0, samples.get(
            "mtg_telegram_connections{mode=\"secured\",dc=\"2\",middle_proxy=\"149.154.161.144:8888\"}"));
        assertEquals(1.0, samples.get(
            "mtg_telegram_connections{mode=\"secured\",dc=\"4\",middle_proxy=\"91.108.4.212:8888\"}"));
        assertEquals(3.0, samples.get(
            "mtg_middle_proxy_failures_total{mode=\"secured\",dc=\"2\",middle_proxy=\"149.154.161.144:8888\"}"));
        assertEquals(1.0, samples.get(
            "mtg_middle_proxy_failures_total{mode=\"secured\",dc=\"4\",middle_proxy=\"91.108.4.212:8888\"}"));
        assertFalse(samples.containsKey("mtg_telegram_connections{mode=\"secured\",dc=\"203\"}"),
            "one label set per family: the DC-only samples are not mixed in");
    }

    private static final String[] USER_FAILURES =
    {
        "replay", "bad_frame", "connection_limit", "quota", "expired", "removed",
    };

    private static List<String> userLines(final CollectorRegistry registry) throws IOException
    {
        final StringWriter text = new StringWriter();
        TextFormat.write004(text, registry.metricFamilySamples());
        final List<String> lines = new ArrayList<>();
        for (final String line : text.toString().split("\n"))
        {
            if (line.contains("mtg_user_"))
            {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void shouldLabelUserMetricsByConfiguredName() throws IOException
    {
        final StatsSource named = into ->
        {
            SOURCE.snapshot(into);
            into.addUser("bob", 1, 300, 400, USER_FAILURES, new long[] {0, 1, 0, 0, 0, 0});
            into.addUser("alice", 2, 100, 200, USER_FAILURES, new long[] {3, 0, 1, 2, 0, 1});
            into.addUser("bob", 1, 5, 6, USER_FAILURES, new long[] {0, 0, 0, 0, 4, 0}); // another reactor: summed
        };
        final CollectorRegistry registry = new CollectorRegistry(true);
        registry.register(new PrometheusCollector("mtg", "tls", named, snapshot(), List.of()));

        assertEquals(List.of(
            "# HELP mtg_user_connections A named user's client connections open now.",
            "# TYPE mtg_user_connections gauge",
            "mtg_user_connections{mode=\"tls\",user=\"alice\",} 2.0",
            "mtg_user_connections{mode=\"tls\",user=\"bob\",} 2.0",
            "# HELP mtg_user_traffic_bytes_total Bytes read from (ingress) and written to (egress) a named user's " +
                "clients.",
            "# TYPE mtg_user_traffic_bytes_total counter",
            "mtg_user_traffic_bytes_total{mode=\"tls\",user=\"alice\",direction=\"ingress\",} 100.0",
            "mtg_user_traffic_bytes_total{mode=\"tls\",user=\"alice\",direction=\"egress\",} 200.0",
            "mtg_user_traffic_bytes_total{mode=\"tls\",user=\"bob\",direction=\"ingress\",} 305.0",
            "mtg_user_traffic_bytes_total{mode=\"tls\",user=\"bob\",direction=\"egress\",} 406.0",
            "# HELP mtg_user_handshake_failures_total Handshake failures and refusals after a client proved " +
                "which user it is, by why.",
            "# TYPE mtg_user_handshake_failures_total counter",
            "mtg_user_handshake_failures_total{mode=\"tls\",user=\"alice\",reason=\"replay\",} 3.0",
            "mtg_user_handshake_failures_total{mode=\"tls\",user=\"alice\",reason=\"bad_frame\",} 0.0",
            "mtg_user_handshake_failures_total{mode=\"tls\",user=\"alice\",reason=\"connection_limit\",} 1.0",
            "mtg_user_handshake_failures_total{mode=\"tls\",user=\"alice\",reason=\"quota\",} 2.0",
            "mtg_user_handshake_failures_total{mode=\"tls\",user=\"alice\",reason=\"expired\",} 0.0",
            "mtg_user_handshake_failures_total{mode=\"tls\",user=\"alice\",reason=\"removed\",} 1.0",
            "mtg_user_handshake_failures_total{mode=\"tls\",user=\"bob\",reason=\"replay\",} 0.0",
            "mtg_user_handshake_failures_total{mode=\"tls\",user=\"bob\",reason=\"bad_frame\",} 1.0",
            "mtg_user_handshake_failures_total{mode=\"tls\",user=\"bob\",reason=\"connection_limit\",} 0.0",
            "mtg_user_handshake_failures_total{mode=\"tls\",user=\"bob\",reason=\"quota\",} 0.0",
            "mtg_user_handshake_failures_total{mode=\"tls\",user=\"bob\",reason=\"expired\",} 4.0",
            "mtg_user_handshake_failures_total{mode=\"tls\",user=\"bob\",reason=\"removed\",} 0.0"),
            userLines(registry));
    }

    @Test
    void shouldExportNoUserFamiliesWithoutNamedUsers() throws IOException
    {
        final CollectorRegistry registry = new CollectorRegistry(true);
        registry.register(new PrometheusCollector("mtg", "tls", SOURCE, snapshot(), List.of()));

        assertEquals(List.of(), userLines(registry), "single-secret output is unchanged");
    }

    @Test
    void shouldExportTheClockOffsetOnlyOnceMeasured() throws IOException
    {
        final double[] offset = {Double.NaN};
        final StatsSource clock = into ->
        {
            SOURCE.snapshot(into);
            into.clockCheck(2);
            if (!Double.isNaN(offset[0]))
            {
                into.clockOffset(offset[0]);
            }
        };
        final CollectorRegistry registry = new CollectorRegistry(true);
        registry.register(new PrometheusCollector("mtg", "tls", clock, snapshot(), List.of()));
        final Map<String, Double> before = scrape(registry);
        assertEquals(2.0, before.get("mtg_clock_check_failures_total{mode=\"tls\"}"));
        assertFalse(before.containsKey("mtg_clock_offset_seconds{mode=\"tls\"}"), "no made-up offset");

        offset[0] = -1.25;
        assertEquals(-1.25, scrape(registry).get("mtg_clock_offset_seconds{mode=\"tls\"}"));
    }

    @Test
    void shouldExportNoClockFamiliesWithoutTheClockCheck() throws IOException
    {
        final CollectorRegistry registry = new CollectorRegistry(true);
        registry.register(new PrometheusCollector("mtg", "simple", SOURCE, snapshot(), List.of()));

        for (final String sample : scrape(registry).keySet())
        {
            assertFalse(sample.startsWith("mtg_clock_"), sample);
        }
    }

    @Test
    void shouldDropARemovedUserFromTheNextScrape() throws IOException
    {
        final List<String> configured = new ArrayList<>(List.of("alice", "bob"));
        final StatsSource named = into ->
        {
            SOURCE.snapshot(into);
            for (final String user : configured)
            {
                into.addUser(user, 1, 1, 1, USER_FAILURES, new long[USER_FAILURES.length]);
            }
        };
        final CollectorRegistry registry = new CollectorRegistry(true);
        registry.register(new PrometheusCollector("mtg", "tls", named, snapshot(), List.of()));
        assertTrue(scrape(registry).containsKey("mtg_user_connections{mode=\"tls\",user=\"bob\"}"));

        configured.remove("bob");
        final Map<String, Double> samples = scrape(registry);

        assertEquals(1.0, samples.get("mtg_user_connections{mode=\"tls\",user=\"alice\"}"));
        for (final String sample : samples.keySet())
        {
            assertFalse(sample.contains("\"bob\""), sample);
        }
    }

    @Test
    void shouldExportLatenciesAsCumulativeHistogramsInSeconds() throws IOException
    {
        final LatencyRecorders first = LatencyRecorders.create();
        final LatencyRecorders second = LatencyRecorders.create();
        final CollectorRegistry registry = new CollectorRegistry(true);
        registry.register(new PrometheusCollector("", "simple", SOURCE, snapshot(),
            List.of(first, LatencyRecorders.disabled(), second)));
        first.record(Latency.TELEGRAM_DIAL, 100 * US);
        first.record(Latency.TELEGRAM_DIAL, 2 * MS);
        first.record(Latency.TELEGRAM_DIAL, 3000 * MS);
        second.record(Latency.TELEGRAM_DIAL, 20 * MS);
        second.record(Latency.CLIENT_HANDSHAKE, 5 * MS);

        Map<String, Double> samples = scrape(registry);

        final String dial = "telegram_dial_seconds";
        assertEquals(4.0, samples.get(dial + "_count{mode=\"simple\"}"));
        assertEquals(1.0, samples.get(dial + "_bucket{mode=\"simple\",le=\"1.0E-4\"}"));
        assertEquals(1.0, samples.get(dial + "_bucket{mode=\"simple\",le=\"0.001\"}"));
        assertEquals(2.0, samples.get(dial + "_bucket{mode=\"simple\",le=\"0.0025\"}"));
        assertEquals(3.0, samples.get(dial + "_bucket{mode=\"simple\",le=\"0.025\"}"));
        assertEquals(3.0, samples.get(dial + "_bucket{mode=\"simple\",le=\"2.5\"}"));
        assertEquals(4.0, samples.get(dial + "_bucket{mode=\"simple\",le=\"5.0\"}"));
        assertEquals(4.0, samples.get(dial + "_bucket{mode=\"simple\",le=\"+Inf\"}"));
        assertEquals(3.0221, samples.get(dial + "_sum{mode=\"simple\"}"), 3.0221 * 0.01, "within the 1 % precision");
        assertEquals(1.0, samples.get("client_handshake_seconds_count{mode=\"simple\"}"));
        assertEquals(0.0, samples.get("telegram_first_byte_seconds_count{mode=\"simple\"}"));
        assertFalse(samples.containsKey("mtg_crashes_total{mode=\"simple\"}"), "no namespace");

        second.record(Latency.TELEGRAM_DIAL, 40 * LatencyRecorders.MAX_US * US);
        samples = scrape(registry);

        assertEquals(5.0, samples.get(dial + "_count{mode=\"simple\"}"), "totals since start, not per scrape");
        assertEquals(5.0, samples.get(dial + "_bucket{mode=\"simple\",le=\"+Inf\"}"));
        assertEquals(4.0, samples.get(dial + "_bucket{mode=\"simple\",le=\"30.0\"}"), "capped, not dropped");
    }

    @Test
    void shouldExportClientClockSkewAsASignedHistogramByResult() throws IOException
    {
        final LatencyRecorders first = LatencyRecorders.create();
        final LatencyRecorders second = LatencyRecorders.create();
        final CollectorRegistry registry = new CollectorRegistry(true);
        registry.register(new PrometheusCollector("mtg", "tls", SOURCE, snapshot(),
            List.of(first, LatencyRecorders.disabled(), second)));
        first.recordClockSkew(true, -4);
        first.recordClockSkew(true, -120);
        second.recordClockSkew(true, 0);
        second.recordClockSkew(true, 7);
        first.recordClockSkew(false, -601);
        second.recordClockSkew(false, 121);
        second.recordClockSkew(false, -1_700_000_000L); // a client sending its uptime
        LatencyRecorders.disabled().recordClockSkew(true, 0);

        final Map<String, Double> samples = scrape(registry);

        final String bucket = "mtg_client_clock_skew_seconds_bucket{mode=\"tls\",result=";
        assertEquals(4.0, samples.get("mtg_client_clock_skew_seconds_count{mode=\"tls\",result=\"accepted\"}"));
        assertEquals(3.0, samples.get("mtg_client_clock_skew_seconds_count{mode=\"tls\",result=\"rejected\"}"));
        assertEquals(0.0, samples.get(bucket + "\"accepted\",le=\"-600.0\"}"));
        assertEquals(1.0, samples.get(bucket + "\"accepted\",le=\"-120.0\"}"), "the bound itself is in its bucket");
        assertEquals(1.0, samples.get(bucket + "\"accepted\",le=\"-5.0\"}"));
        assertEquals(2.0, samples.get(bucket + "\"accepted\",le=\"-3.0\"}"));
        assertEquals(3.0, samples.get(bucket + "\"accepted\",le=\"0.0\"}"));
        assertEquals(3.0, samples.get(bucket + "\"accepted\",le=\"5.0\"}"));
        assertEquals(4.0, samples.get(bucket + "\"accepted\",le=\"10.0\"}"));
        assertEquals(4.0, samples.get(bucket + "\"accepted\",le=\"+Inf\"}"));
        assertEquals(1.0, samples.get(bucket + "\"rejected\",le=\"-3600.0\"}"));
        assertEquals(2.0, samples.get(bucket + "\"rejected\",le=\"-600.0\"}"));
        assertEquals(2.0, samples.get(bucket + "\"rejected\",le=\"0.0\"}"), "two behind, one ahead");
        assertEquals(2.0, samples.get(bucket + "\"rejected\",le=\"120.0\"}"));
        assertEquals(3.0, samples.get(bucket + "\"rejected\",le=\"300.0\"}"));
        assertFalse(samples.containsKey("mtg_client_clock_skew_seconds_sum{mode=\"tls\",result=\"accepted\"}"),
            "no sum of signed values");
    }

    @Test
    void shouldRecordNothingWhenDisabled()
    {
        final LatencyRecorders disabled = LatencyRecorders.disabled();
        disabled.record(Latency.CLIENT_HANDSHAKE, MS);

        assertFalse(disabled.isEnabled());
        assertEquals(0, disabled.nowNs());
        assertTrue(LatencyRecorders.create().nowNs() != 0 || System.nanoTime() == 0);
    }
}
