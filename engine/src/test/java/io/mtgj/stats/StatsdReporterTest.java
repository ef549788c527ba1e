package io.mtgj.stats;

import io.mtgj.config.StatsConfig;
import io.mtgj.config.StatsdTagsFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class StatsdReporterTest
{
    private static final StatsSource SOURCE = into ->
    {
        into.clear();
        into.addClientConnections(IpFamily.IPV4, 10);
        into.addClientConnections(IpFamily.IPV6, 2);
        into.addTelegramConnections(DcLabel.index(2), 7);
        into.addTelegramConnections(DcLabel.index(-4), 1);
        into.addCrashes(3);
        into.addClientBytes(Direction.INGRESS, 123456);
        into.addClientBytes(Direction.EGRESS, 654321);
        into.addReplayAttacks(5);
        into.addBufferMemoryBytes(2L << 20);
        into.addBufferLeasedBytes(32768);
        into.addBufferWaitingConnections(4);
        into.addBufferWaits(17);
        into.addStalledConnections(2);
    };

    private static StatsSnapshot snapshot()
    {
        final StatsSnapshot snapshot = new StatsSnapshot(List.of("replay"), List.of("done"), List.of("limit"));
        SOURCE.snapshot(snapshot);
        return snapshot;
    }

    private static Map<String, String> tags()
    {
        final Map<String, String> tags = new LinkedHashMap<>();
        tags.put("env", "prod");
        tags.put("region", "eu-1");
        return tags;
    }

    @Test
    void shouldWritePlainStatsdGauges()
    {
        final String tags = StatsdReporter.formatTags(StatsdTagsFormat.NONE, tags());

        assertEquals(List.of(
            "mtg.connections:12|g",
            "mtg.telegram_connections:8|g",
            "mtg.crashes:3|g",
            "mtg.traffic.ingress:123456|g",
            "mtg.traffic.egress:654321|g",
            "mtg.replay_attacks:5|g",
            "mtg.buffer_memory:2097152|g",
            "mtg.buffer_leased:32768|g",
            "mtg.buffer_waiting:4|g",
            "mtg.buffer_waits:17|g",
            "mtg.stalled_connections:2|g"), StatsdReporter.lines(snapshot(), "mtg", StatsdTagsFormat.NONE, tags));
    }

    @Test
    void shouldAddTheMiddleProxyFailuresWithAnAdTag()
    {
        final StatsSnapshot snapshot = snapshot();
        snapshot.middleProxyMode();
        snapshot.addMiddleProxy(1, "149.154.161.144:8888", 2, 3);
        snapshot.addMiddleProxy(3, "91.108.4.212:8888", 1, 1);
        final List<String> lines = StatsdReporter.lines(snapshot, "mtg", StatsdTagsFormat.NONE, "");
        assertEquals("mtg.middle_proxy_failures:4|g", lines.get(lines.size() - 1));
    }

    @Test
    void shouldSendTheClockOffsetWithAFractionAndANegativeOneAfterAZero()
    {
        final StatsSnapshot snapshot = snapshot();
        snapshot.clockCheck(3);
        final List<String> unmeasured = StatsdReporter.lines(snapshot, "mtg", StatsdTagsFormat.NONE, "");
        assertEquals("mtg.clock_check_failures:3|g", unmeasured.get(unmeasured.size() - 1));

        snapshot.clockOffset(1.5);
        final List<String> ahead = StatsdReporter.lines(snapshot, "mtg", StatsdTagsFormat.NONE, "");
        assertEquals("mtg.clock_offset_seconds:1.5|g", ahead.get(ahead.size() - 1));

        snapshot.clockOffset(-0.25);
        final String tags = StatsdReporter.formatTags(StatsdTagsFormat.INFLUXDB, tags());
        final List<String> behind = StatsdReporter.lines(snapshot, "mtg", StatsdTagsFormat.INFLUXDB, tags);
        assertEquals("mtg.clock_offset_seconds,env=prod,region=eu-1:0|g\n" +
            "mtg.clock_offset_seconds,env=prod,region=eu-1:-0.25|g", behind.get(behind.size() - 1));

        snapshot.clockOffset(12_000);
        assertEquals("clock_offset_seconds:12000|g",
            StatsdReporter.signedLine("", MetricNames.STATSD_CLOCK_OFFSET_SECONDS, 12_000, StatsdTagsFormat.NONE, ""),
            "no exponent");
    }

    @Test
    void shouldKeepAZeroAndItsNegativeGaugeInOneDatagram()
    {
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            lines.add("mtg.metric" + i + ":" + "1".repeat(30) + "|g");
            lines.add(StatsdReporter.signedLine("mtg", "offset" + i, -i - 0.5, StatsdTagsFormat.NONE, ""));
        }

        for (final byte[] packet : StatsdReporter.packets(lines))
        {
            final String[] sent = new String(packet, StandardCharsets.US_ASCII).split("\n");
            for (int i = 0; i < sent.length; i++)
            {
                if (sent[i].endsWith(":0|g"))
                {
                    assertTrue(i + 1 < sent.length && sent[i + 1].startsWith(sent[i].replace(":0|g", ":-")),
                        "a zero is followed by its negative value in the same datagram: " + List.of(sent));
                }
                else if (sent[i].contains(":-"))
                {
                    assertTrue(i > 0 && sent[i - 1].endsWith(":0|g"), "a negative value follows its zero");
                }
            }
        }
    }

    private static final String[] USER_FAILURES = {"replay", "quota"};

    private static StatsSnapshot withUsers()
    {
        final StatsSnapshot snapshot = snapshot();
        snapshot.addUser("bob", 1, 30, 40, USER_FAILURES, new long[] {0, 2});
        snapshot.addUser("alice", 3, 10, 20, USER_FAILURES, new long[] {1, 0});
        return snapshot;
    }

    private static List<String> userLines(final List<String> lines)
    {
        return lines.subList(11, lines.size()); // after the lines every snapshot has
    }

    @Test
    void shouldPutTheUserIntoThePlainStatsdName()
    {
        final String tags = StatsdReporter.formatTags(StatsdTagsFormat.NONE, tags());

        assertEquals(List.of(
            "mtg.user_connections.alice:3|g",
            "mtg.user_traffic.ingress.alice:10|g",
            "mtg.user_traffic.egress.alice:20|g",
            "mtg.user_handshake_failures.alice.replay:1|g",
            "mtg.user_handshake_failures.alice.quota:0|g",
            "mtg.user_connections.bob:1|g",
            "mtg.user_traffic.ingress.bob:30|g",
            "mtg.user_traffic.egress.bob:40|g",
            "mtg.user_handshake_failures.bob.replay:0|g",
            "mtg.user_handshake_failures.bob.quota:2|g"),
            userLines(StatsdReporter.lines(withUsers(), "mtg", StatsdTagsFormat.NONE, tags)));
    }

    @Test
    void shouldAddAUserTagForInfluxDb()
    {
        final String tags = StatsdReporter.formatTags(StatsdTagsFormat.INFLUXDB, tags());

        assertEquals(List.of(
            "mtg.user_connections,env=prod,region=eu-1,user=alice:3|g",
            "mtg.user_traffic.ingress,env=prod,region=eu-1,user=alice:10|g",
            "mtg.user_traffic.egress,env=prod,region=eu-1,user=alice:20|g",
            "mtg.user_handshake_failures,env=prod,region=eu-1,user=alice,reason=replay:1|g",
            "mtg.user_handshake_failures,env=prod,region=eu-1,user=alice,reason=quota:0|g",
            "mtg.user_connections,env=prod,region=eu-1,user=bob:1|g",
            "mtg.user_traffic.ingress,env=prod,region=eu-1,user=bob:30|g",
            "mtg.user_traffic.egress,env=prod,region=eu-1,user=bob:40|g",
            "mtg.user_handshake_failures,env=prod,region=eu-1,user=bob,reason=replay:0|g",
            "mtg.user_handshake_failures,env=prod,region=eu-1,user=bob,reason=quota:2|g"),
            userLines(StatsdReporter.lines(withUsers(), "mtg", StatsdTagsFormat.INFLUXDB, tags)));
    }

    @Test
    void shouldAddAUserTagForDatadog()
    {
        final String tags = StatsdReporter.formatTags(StatsdTagsFormat.DATADOG, tags());

        assertEquals(List.of(
            "proxy.user_connections:3|g|#env:prod,region:eu-1,user:alice",
            "proxy.user_traffic.ingress:10|g|#env:prod,region:eu-1,user:alice",
            "proxy.user_traffic.egress:20|g|#env:prod,region:eu-1,user:alice",
            "proxy.user_handshake_failures:1|g|#env:prod,region:eu-1,user:alice,reason:replay",
            "proxy.user_handshake_failures:0|g|#env:prod,region:eu-1,user:alice,reason:quota",
            "proxy.user_connections:1|g|#env:prod,region:eu-1,user:bob",
            "proxy.user_traffic.ingress:30|g|#env:prod,region:eu-1,user:bob",
            "proxy.user_traffic.egress:40|g|#env:prod,region:eu-1,user:bob",
            "proxy.user_handshake_failures:0|g|#env:prod,region:eu-1,user:bob,reason:replay",
            "proxy.user_handshake_failures:2|g|#env:prod,region:eu-1,user:bob,reason:quota"),
            userLines(StatsdReporter.lines(withUsers(), "proxy", StatsdTagsFormat.DATADOG, tags)));
    }

    @Test
    void shouldTagTheUserEvenWithoutConfiguredTags()
    {
        assertEquals("mtg.user_connections:3|g|#user:alice", userLines(
            StatsdReporter.lines(withUsers(), "mtg", StatsdTagsFormat.DATADOG, "")).get(0));
        assertEquals("mtg.user_connections,user=alice:3|g", userLines(
            StatsdReporter.lines(withUsers(), "mtg", StatsdTagsFormat.INFLUXDB, "")).get(0));
    }

    @Test
    void shouldKeepADotInAUserNameOutOfThePlainStatsdHierarchy()
    {
        assertEquals("mtg.user_connections.team_a:1|g",
            StatsdReporter.userLine("mtg", MetricNames.STATSD_USER_CONNECTIONS, "team.a", null, 1,
                StatsdTagsFormat.NONE, ""));
        assertEquals("mtg.user_connections:1|g|#user:team.a",
            StatsdReporter.userLine("mtg", MetricNames.STATSD_USER_CONNECTIONS, "team.a", null, 1,
                StatsdTagsFormat.DATADOG, ""));
    }

    @Test
    void shouldSendTotalsSoARemovedAndReaddedUserNeverGoesBack()
    {
        final List<String> configured = new ArrayList<>(List.of("alice", "bob"));
        final long[] bytes = {100};
        final StatsSource named = into ->
        {
            SOURCE.snapshot(into);
            for (final String user : configured)
            {
                into.addUser(user, 1, bytes[0], 0, USER_FAILURES, new long[2]);
            }
        };
        final StatsSnapshot snapshot = snapshot();

        named.snapshot(snapshot);
        List<String> lines = StatsdReporter.lines(snapshot, "mtg", StatsdTagsFormat.NONE, "");
        assertTrue(lines.contains("mtg.user_traffic.ingress.bob:100|g"));

        bytes[0] = 250;
        named.snapshot(snapshot);
        lines = StatsdReporter.lines(snapshot, "mtg", StatsdTagsFormat.NONE, "");
        assertTrue(lines.contains("mtg.user_traffic.ingress.alice:250|g"), "the total since start, like traffic.*");

        configured.remove("bob");
        named.snapshot(snapshot);
        lines = StatsdReporter.lines(snapshot, "mtg", StatsdTagsFormat.NONE, "");
        assertEquals(16, lines.size(), "alice's 5 lines only");
        for (final String line : lines)
        {
            assertFalse(line.contains("bob"), line);
        }

        bytes[0] = 7; // bob back with fresh usage: a smaller total, not a negative delta
        configured.add("bob");
        named.snapshot(snapshot);
        lines = StatsdReporter.lines(snapshot, "mtg", StatsdTagsFormat.NONE, "");
        assertTrue(lines.contains("mtg.user_traffic.ingress.bob:7|g"), String.join("\n", lines));
        for (final String line : lines)
        {
            assertFalse(line.contains(":-"), line);
        }
    }

    @Test
    void shouldPutInfluxDbTagsInTheName()
    {
        final String tags = StatsdReporter.formatTags(StatsdTagsFormat.INFLUXDB, tags());

        assertEquals(List.of(
            "mtg.connections,env=prod,region=eu-1:12|g",
            "mtg.telegram_connections,env=prod,region=eu-1:8|g",
            "mtg.crashes,env=prod,region=eu-1:3|g",
            "mtg.traffic.ingress,env=prod,region=eu-1:123456|g",
            "mtg.traffic.egress,env=prod,region=eu-1:654321|g",
            "mtg.replay_attacks,env=prod,region=eu-1:5|g",
            "mtg.buffer_memory,env=prod,region=eu-1:2097152|g",
            "mtg.buffer_leased,env=prod,region=eu-1:32768|g",
            "mtg.buffer_waiting,env=prod,region=eu-1:4|g",
            "mtg.buffer_waits,env=prod,region=eu-1:17|g",
            "mtg.stalled_connections,env=prod,region=eu-1:2|g"),
            StatsdReporter.lines(snapshot(), "mtg", StatsdTagsFormat.INFLUXDB, tags));
    }

    @Test
    void shouldPutDatadogTagsAfterTheType()
    {
        final String tags = StatsdReporter.formatTags(StatsdTagsFormat.DATADOG, tags());

        assertEquals(List.of(
            "proxy.connections:12|g|#env:prod,region:eu-1",
            "proxy.telegram_connections:8|g|#env:prod,region:eu-1",
            "proxy.crashes:3|g|#env:prod,region:eu-1",
            "proxy.traffic.ingress:123456|g|#env:prod,region:eu-1",
            "proxy.traffic.egress:654321|g|#env:prod,region:eu-1",
            "proxy.replay_attacks:5|g|#env:prod,region:eu-1",
            "proxy.buffer_memory:2097152|g|#env:prod,region:eu-1",
            "proxy.buffer_leased:32768|g|#env:prod,region:eu-1",
            "proxy.buffer_waiting:4|g|#env:prod,region:eu-1",
            "proxy.buffer_waits:17|g|#env:prod,region:eu-1",
            "proxy.stalled_connections:2|g|#env:prod,region:eu-1"),
            StatsdReporter.lines(snapshot(), "proxy", StatsdTagsFormat.DATADOG, tags));
    }

    @Test
    void shouldWriteNoTagSectionWithoutTagsOrPrefix()
    {
        assertEquals("connections:0|g", StatsdReporter.line("", "connections", 0, StatsdTagsFormat.DATADOG, ""));
        assertEquals("connections:0|g", StatsdReporter.line("", "connections", 0, StatsdTagsFormat.INFLUXDB,
            StatsdReporter.formatTags(StatsdTagsFormat.INFLUXDB, Map.of())));
    }

    @Test
    void shouldSplitLinesIntoDatagramsBelowTheLimit()
    {
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            lines.add("mtg.metric" + i + ",tag=" + "x".repeat(60) + ":" + i + "|g");
        }

        final List<byte[]> packets = StatsdReporter.packets(lines);

        assertTrue(packets.size() > 1, "one packet cannot hold them all");
        final List<String> back = new ArrayList<>();
        for (final byte[] packet : packets)
        {
            assertTrue(packet.length <= StatsdReporter.MAX_PACKET_BYTES, "length " + packet.length);
            back.addAll(List.of(new String(packet, StandardCharsets.US_ASCII).split("\n")));
        }
        assertEquals(lines, back, "every line once, whole, in order");
    }

    @Test
    void shouldSendOneDatagramPerReportToTheLoopback() throws Exception
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
        try (DatagramSocket server = new DatagramSocket(0, loopback))
        {
            server.setSoTimeout(5_000);
            final StatsConfig config = StatsConfig.builder().statsdHost("127.0.0.1").statsdPort(server.getLocalPort())
                .statsdTagsFormat(StatsdTagsFormat.INFLUXDB).statsdTag("env", "test").statsdIntervalMs(50).build();
            try (StatsdReporter reporter = new StatsdReporter(config, SOURCE, snapshot()))
            {
                reporter.start(control, config.statsdIntervalMs());
                for (int i = 0; i < 2; i++)
                {
                    final DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
                    server.receive(packet);
                    assertEquals(
                        "mtg.connections,env=test:12|g\n" +
                        "mtg.telegram_connections,env=test:8|g\n" +
                        "mtg.crashes,env=test:3|g\n" +
                        "mtg.traffic.ingress,env=test:123456|g\n" +
                        "mtg.traffic.egress,env=test:654321|g\n" +
                        "mtg.replay_attacks,env=test:5|g\n" +
                        "mtg.buffer_memory,env=test:2097152|g\n" +
                        "mtg.buffer_leased,env=test:32768|g\n" +
                        "mtg.buffer_waiting,env=test:4|g\n" +
                        "mtg.buffer_waits,env=test:17|g\n" +
                        "mtg.stalled_connections,env=test:2|g",
                        new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII));
                }
            }
        }
        finally
        {
            control.shutdownNow();
        }
    }
}
