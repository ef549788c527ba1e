package io.mtgj.perf;

import io.mtgj.clock.FakeSntpServer;
import io.mtgj.config.StatsConfig;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.obfuscated2.HandshakeFrame;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Known traffic through the fake DC, then {@code /metrics} scraped over HTTP: every counter that can be exact is,
 * and the latency histograms count one value per handshake and per dial.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsEndToEndTest
{
    private static final int CLIENTS = 12;
    private static final int PACKETS_PER_CLIENT = 4;
    private static final int TIMEOUT_MS = 10_000;
    private static final String SIMPLE = "{mode=\"simple\"}";

    private static StatsConfig statsOnLoopback() throws IOException
    {
        return StatsConfig.builder().bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).build();
    }

    @Test
    void shouldCountConnectionsTrafficAndLatenciesOfKnownClients() throws Exception
    {
        final Random random = new Random(51);
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        final StatsConfig stats = statsOnLoopback();
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.stats(stats)))
        {
            final InetSocketAddress endpoint = fixture.proxy.statsAddress();
            assertEquals("ok", MetricsScrape.get(endpoint, "/health", 200));

            sendGarbage(fixture, random);
            final ProtocolTag[] tags =
            {
                ProtocolTag.INTERMEDIATE, ProtocolTag.ABRIDGED, ProtocolTag.PADDED_INTERMEDIATE,
            };
            for (int i = 0; i < CLIENTS; i++)
            {
                exchange(fixture, secret, tags[i % tags.length], random);
            }
            Await.until("every connection to be accepted", TIMEOUT_MS,
                () -> fixture.proxy.acceptedConnections() == CLIENTS + 1);
            fixture.awaitQuiet();
            Await.until("the DC to see every connection end", TIMEOUT_MS,
                () -> fixture.dc.closedConnections() == CLIENTS);

            final MetricsScrape metrics = MetricsScrape.scrape(endpoint);

            final long toDc = fixture.dc.bytesReceived();
            final long fromDc = toDc - (long)CLIENTS * HandshakeFrame.LENGTH; // the DC echoes all but the frames
            assertEquals(0, metrics.value("mtg_client_connections{mode=\"simple\",ip_family=\"ipv4\"}"));
            assertEquals(0, metrics.value("mtg_client_connections{mode=\"simple\",ip_family=\"ipv6\"}"));
            assertEquals(0, metrics.value("mtg_telegram_connections{mode=\"simple\",dc=\"2\"}"));
            assertEquals(CLIENTS + 1, metrics.value("mtg_accepted_connections_total" + SIMPLE));
            assertEquals(CLIENTS, metrics.value("mtg_client_handshakes_total" + SIMPLE));
            assertEquals(1, metrics.value("mtg_handshake_failures_total{mode=\"simple\",reason=\"not_ours\"}"));
            assertEquals(1, metrics.value("mtg_closed_connections_total{mode=\"simple\",reason=\"bad_handshake\"}"));
            assertEquals(0,
                metrics.value("mtg_rejected_connections_total{mode=\"simple\",reason=\"connection_limit\"}"));
            assertEquals(0, metrics.value("mtg_crashes_total" + SIMPLE));
            assertEquals(0, metrics.value("mtg_replay_attacks_total" + SIMPLE));
            assertEquals(0, metrics.value("mtg_cloaked_connections_total" + SIMPLE));
            assertEquals(0, metrics.value("mtg_buffers_in_use" + SIMPLE));
            // obfuscated2 is transcoded byte for byte: what clients send is what the DC gets, plus the garbage
            assertEquals(toDc + HandshakeFrame.LENGTH,
                metrics.value("mtg_traffic_bytes_total{mode=\"simple\",direction=\"ingress\"}"));
            assertEquals(fromDc, metrics.value("mtg_traffic_bytes_total{mode=\"simple\",direction=\"egress\"}"));
            assertEquals(toDc,
                metrics.value("mtg_telegram_traffic_bytes_total{mode=\"simple\",dc=\"2\",direction=\"egress\"}"));
            assertEquals(fromDc,
                metrics.value("mtg_telegram_traffic_bytes_total{mode=\"simple\",dc=\"2\",direction=\"ingress\"}"));
            assertEquals(0, metrics.value("mtg_cloak_traffic_bytes_total{mode=\"simple\",direction=\"ingress\"}"));
            for (final String latency : new String[] {"client_handshake", "telegram_dial", "telegram_first_byte"})
            {
                assertEquals(CLIENTS, metrics.value("mtg_" + latency + "_seconds_count" + SIMPLE), latency);
                assertEquals(CLIENTS,
                    metrics.value("mtg_" + latency + "_seconds_bucket{mode=\"simple\",le=\"+Inf\"}"), latency);
                assertTrue(metrics.value("mtg_" + latency + "_seconds_bucket{mode=\"simple\",le=\"10.0\"}") > 0,
                    latency + " on loopback takes less than 10 s");
            }
        }
    }

    @Test
    void shouldCountACloakedProbeWithItsReasonAndItsBytes() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.FAKE_TLS, CloakServer.TEST_HOST, new Random(52));
        final StatsConfig stats = statsOnLoopback();
        try (CloakServer cloak = CloakServer.startPlain();
            ProxyFixture fixture = ProxyFixture.start(secret, b -> b.stats(stats)
                .cloakHost(cloak.address().getAddress().getHostAddress()).cloakPort(cloak.address().getPort())))
        {
            final byte[] probe = "GET / HTTP/1.1\r\nHost: cloak.mtgj.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            try (Socket socket = connect(fixture))
            {
                socket.getOutputStream().write(probe);
                final InputStream in = socket.getInputStream();
                assertArrayEquals(CloakServer.BANNER, in.readNBytes(CloakServer.BANNER.length));
            }
            Await.until("the probe at the cloak host", TIMEOUT_MS,
                () -> cloak.connections() == 1 && Arrays.equals(probe, cloak.received(0)));
            fixture.awaitQuiet();

            final MetricsScrape metrics = MetricsScrape.scrape(fixture.proxy.statsAddress());

            final String tls = "{mode=\"tls\"}";
            assertEquals(1, metrics.value("mtg_cloaked_connections_total" + tls));
            assertEquals(1, metrics.value("mtg_handshake_failures_total{mode=\"tls\",reason=\"not_tls\"}"));
            assertEquals(1, fixture.proxy.handshakeFailures(HandshakeFailure.NOT_TLS));
            assertEquals(0, metrics.value("mtg_client_handshakes_total" + tls));
            assertEquals(probe.length, metrics.value("mtg_traffic_bytes_total{mode=\"tls\",direction=\"ingress\"}"));
            assertEquals(CloakServer.BANNER.length,
                metrics.value("mtg_traffic_bytes_total{mode=\"tls\",direction=\"egress\"}"));
            assertEquals(probe.length,
                metrics.value("mtg_cloak_traffic_bytes_total{mode=\"tls\",direction=\"egress\"}"));
            assertEquals(CloakServer.BANNER.length,
                metrics.value("mtg_cloak_traffic_bytes_total{mode=\"tls\",direction=\"ingress\"}"));
            assertEquals(0, metrics.value("mtg_telegram_traffic_bytes_total{mode=\"tls\",dc=\"other\"," +
                "direction=\"egress\"}"));
            assertEquals(0, metrics.value("mtg_telegram_dial_seconds_count" + tls), "the cloak host is not Telegram");
            assertEquals(0, metrics.value("mtg_client_handshake_seconds_count" + tls));
            assertEquals(0, fixture.dc.connections());
        }
    }

    /**
     * The clock check against an SNTP server on loopback whose clock is 3 s behind ours: the gauge reads +3 s (our
     * clock minus NTP's), within the loopback round trip and the milliseconds the protocol rounds to.
     */
    @Test
    void shouldExportTheClockOffsetMeasuredAgainstNtp() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.FAKE_TLS, CloakServer.TEST_HOST, new Random(54));
        final StatsConfig stats = statsOnLoopback();
        final String tls = "{mode=\"tls\"}";
        try (FakeSntpServer ntp = new FakeSntpServer((request) ->
            {
                final long serverMs = System.currentTimeMillis() - 3_000;
                return FakeSntpServer.answer(request, serverMs, serverMs);
            });
            ProxyFixture fixture = ProxyFixture.start(secret, b -> b.stats(stats)
                .ntpServers(List.of("127.0.0.1:" + ntp.address().getPort()))))
        {
            final InetSocketAddress endpoint = fixture.proxy.statsAddress();
            Await.until("the first clock check", TIMEOUT_MS, () -> scrapeQuietly(endpoint)
                .has("mtg_clock_offset_seconds" + tls));

            final MetricsScrape metrics = MetricsScrape.scrape(endpoint);
            final double offset = metrics.fraction("mtg_clock_offset_seconds" + tls);
            assertTrue(Math.abs(offset - 3.0) <= 0.05, "offset " + offset + " s");
            assertEquals(0, metrics.value("mtg_clock_check_failures_total" + tls));
            assertEquals(1, ntp.requests(), "one check at start, the next a minute later");
        }
    }

    @Test
    void shouldExportNoClockMetricsWithoutTheClockCheck() throws Exception
    {
        final StatsConfig stats = statsOnLoopback();
        try (ProxyFixture fixture = ProxyFixture.start(Secret.generate(SecretMode.SECURED, null, new Random(55)),
            b -> b.stats(stats)))
        {
            final String body = MetricsScrape.get(fixture.proxy.statsAddress(), "/metrics", 200);
            assertFalse(body.contains("mtg_clock_"), "the clock is checked in tls mode only");
        }
    }

    private static MetricsScrape scrapeQuietly(final InetSocketAddress endpoint)
    {
        try
        {
            return MetricsScrape.scrape(endpoint);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Test
    void shouldAnswerHealthWithoutMetricsTraffic() throws Exception
    {
        final StatsConfig stats = StatsConfig.builder()
            .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).namespace("edge").build();
        try (ProxyFixture fixture = ProxyFixture.start(Secret.generate(SecretMode.SECURED, null, new Random(53)),
            b -> b.stats(stats)))
        {
            assertEquals("ok", MetricsScrape.get(fixture.proxy.statsAddress(), "/health", 200));
            final MetricsScrape metrics = MetricsScrape.scrape(fixture.proxy.statsAddress());
            assertEquals(0, metrics.value("edge_accepted_connections_total{mode=\"secured\"}"));
            assertEquals(0, metrics.value("edge_client_handshake_seconds_count{mode=\"secured\"}"));
        }
    }

    /**
     * 64 random bytes: not an obfuscated2 frame of this secret (a random tag is valid with odds of 3 in 2^32, and
     * the seed is fixed), refused without a byte upstream.
     */
    private static void sendGarbage(final ProxyFixture fixture, final Random random) throws IOException
    {
        final byte[] garbage = new byte[HandshakeFrame.LENGTH];
        random.nextBytes(garbage);
        try (Socket socket = connect(fixture))
        {
            socket.getOutputStream().write(garbage);
            assertTrue(ClientConnection.isClosedByPeer(socket.getInputStream()), "garbage is closed");
        }
    }

    private static void exchange(final ProxyFixture fixture, final Secret secret, final ProtocolTag tag,
        final Random random) throws IOException
    {
        try (TestClient client = TestClient.connect(fixture.address(), secret, tag, (short)2, random, TIMEOUT_MS))
        {
            for (int p = 0; p < PACKETS_PER_CLIENT; p++)
            {
                final byte[] payload = new byte[4 * (1 + random.nextInt(2048))];
                random.nextBytes(payload);
                client.send(payload);
                final byte[] echoed = client.receive();
                assertArrayEquals(payload, Arrays.copyOf(echoed, payload.length));
            }
        }
    }

    private static Socket connect(final ProxyFixture fixture) throws IOException
    {
        final Socket socket = new Socket();
        socket.setSoTimeout(TIMEOUT_MS);
        socket.connect(fixture.address(), TIMEOUT_MS);
        return socket;
    }
}
