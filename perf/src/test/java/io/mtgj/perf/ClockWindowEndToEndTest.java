package io.mtgj.perf;

import io.mtgj.config.ClockWindow;
import io.mtgj.config.HelloPolicy;
import io.mtgj.config.StatsConfig;
import io.mtgj.config.UnknownSni;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.RejectReason;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, points 3 and 4, end to end on loopback: under the default clock window (10 minutes behind, 2 ahead)
 * phones seconds or minutes off are served and clocks beyond it are fronted, both seen in the skew histogram and
 * the failure reasons; a replay of an accepted hello within the window is refused; a hello naming no secret's host
 * goes to the configured cloak host only, or is reset with {@code --unknown-sni reset}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClockWindowEndToEndTest
{
    private static final int TIMEOUT_MS = 10_000;
    private static final String SKEW = "mtg_client_clock_skew_seconds";

    private final Random random = new Random(1414);
    private final Secret secret = Secret.generate(SecretMode.FAKE_TLS, CloakServer.TEST_HOST, random);

    @Test
    void shouldServeClocksMinutesOffAndFrontThoseBeyondTheWindow() throws Exception
    {
        final StatsConfig stats = StatsConfig.builder()
            .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).build();
        try (CloakServer cloak = CloakServer.startPlain();
            ProxyFixture fixture = start(cloak, b -> b.stats(stats)))
        {
            final long now = System.currentTimeMillis() / 1000;
            assertServed(fixture, now - 4, "an Android phone 4 s behind (refused by a 3 s window)");
            assertServed(fixture, now - 120, "a phone 2 minutes behind");
            assertServed(fixture, now + 60, "a phone a minute fast");
            final ClientHelloBuilder builder = ClientHelloBuilder.forSecret(secret, now, random);
            assertFronted(cloak, fixture, builder.buildAt(now - 610).wire(), 0);
            assertFronted(cloak, fixture, builder.buildAt(now + 180).wire(), 1);

            assertEquals(2, fixture.proxy.handshakeFailures(HandshakeFailure.BAD_TIME));
            assertEquals(3, fixture.dc.connections(), "the three phones reached Telegram");
            final MetricsScrape metrics = MetricsScrape.scrape(fixture.proxy.statsAddress());
            assertEquals(2, metrics.value("mtg_handshake_failures_total{mode=\"tls\",reason=\"bad_time\"}"));
            assertEquals(3, metrics.value(SKEW + "_count{mode=\"tls\",result=\"accepted\"}"));
            assertEquals(1, metrics.value(bucket("accepted", "-60.0")), "the one 2 minutes behind");
            assertEquals(2, metrics.value(bucket("accepted", "-3.0")), "and the one 4 s behind");
            assertEquals(2, metrics.value(bucket("accepted", "30.0")));
            assertEquals(3, metrics.value(bucket("accepted", "60.0")), "and the one a minute fast");
            assertEquals(2, metrics.value(SKEW + "_count{mode=\"tls\",result=\"rejected\"}"));
            assertEquals(1, metrics.value(bucket("rejected", "-600.0")), "over 10 minutes behind");
            assertEquals(1, metrics.value(bucket("rejected", "0.0")));
            assertEquals(1, metrics.value(bucket("rejected", "120.0")));
            assertEquals(2, metrics.value(bucket("rejected", "300.0")), "3 minutes ahead");
            fixture.awaitQuiet();
        }
    }

    @Test
    void shouldRefuseAReplayOfAnAcceptedHelloWithinTheWindow() throws Exception
    {
        try (CloakServer cloak = CloakServer.startPlain();
            ProxyFixture fixture = start(cloak, UnaryOperator.identity()))
        {
            final long behind = System.currentTimeMillis() / 1000 - 120;
            final ClientHelloBuilder.Hello hello = ClientHelloBuilder.forSecret(secret, behind, random).build();
            try (FakeTlsClient client = FakeTlsClient.connect(fixture.address(), secret, (short)2, random,
                TIMEOUT_MS, behind, new FakeTlsClient.Options().hello(hello)))
            {
                final byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8};
                client.send(payload);
                assertArrayEquals(payload, Arrays.copyOf(client.receive(), payload.length));
            }

            // Recorded and replayed at once: its time still passes, 2 minutes of a 10 minute past; the cache refuses it.
            assertFronted(cloak, fixture, hello.wire(), 0);
            assertEquals(1, fixture.proxy.handshakeFailures(HandshakeFailure.REPLAY));
            assertEquals(0, fixture.proxy.handshakeFailures(HandshakeFailure.BAD_TIME));
            assertEquals(1, fixture.dc.connections(), "only the real client reached Telegram");
        }
    }

    @Test
    void shouldFrontAnUnknownServerNameToTheConfiguredCloakHostOnly() throws Exception
    {
        try (CloakServer cloak = CloakServer.startPlain();
            ProxyFixture fixture = start(cloak, UnaryOperator.identity()))
        {
            final ClientHelloBuilder builder =
                ClientHelloBuilder.forSecret(secret, System.currentTimeMillis() / 1000, random);
            // The prober names another site: it meets our cloak host, which never is the site it names.
            assertFronted(cloak, fixture, builder.buildWithSni("other-site.example").wire(), 0);
            assertFronted(cloak, fixture, builder.buildWithoutSni().wire(), 1);

            assertEquals(2, fixture.proxy.handshakeFailures(HandshakeFailure.BAD_SNI));
            assertEquals(2, fixture.proxy.cloakedConnections());
            assertEquals(0, fixture.proxy.rejected(RejectReason.UNKNOWN_SNI));
            assertEquals(0, fixture.dc.connections());
        }
    }

    @Test
    void shouldResetAnUnknownServerNameWithUnknownSniReset() throws Exception
    {
        try (CloakServer cloak = CloakServer.startPlain();
            ProxyFixture fixture = start(cloak,
                b -> b.helloPolicy(new HelloPolicy(ClockWindow.DEFAULT, UnknownSni.RESET))))
        {
            final long now = System.currentTimeMillis() / 1000;
            final ClientHelloBuilder builder = ClientHelloBuilder.forSecret(secret, now, random);
            assertReset(fixture, builder.buildWithSni("other-site.example").wire());
            assertReset(fixture, builder.buildWithoutSni().wire());
            Await.until("the resets to be counted", TIMEOUT_MS,
                () -> 2 == fixture.proxy.rejected(RejectReason.UNKNOWN_SNI));
            assertEquals(2, fixture.proxy.handshakeFailures(HandshakeFailure.BAD_SNI));
            assertEquals(0, fixture.proxy.cloakedConnections());
            assertEquals(0, cloak.connections(), "nothing reached the cloak host");

            // Only hellos naming no secret's host are reset: other strangers are still fronted, clients served.
            assertFronted(cloak, fixture, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
            assertFronted(cloak, fixture, builder.buildWithBadDigest().wire(), 1);
            assertServed(fixture, now, "our own client");
            assertEquals(2, fixture.proxy.rejected(RejectReason.UNKNOWN_SNI));
            fixture.awaitQuiet();
        }
    }

    private ProxyFixture start(final CloakServer cloak, final UnaryOperator<io.mtgj.config.ProxyConfig.Builder> more)
        throws IOException
    {
        final InetSocketAddress target = cloak.address();
        return ProxyFixture.start(secret, b -> more.apply(b
            .cloakHost(target.getAddress().getHostAddress())
            .cloakPort(target.getPort())));
    }

    private void assertServed(final ProxyFixture fixture, final long unixTime, final String who) throws IOException
    {
        try (FakeTlsClient client = FakeTlsClient.connect(fixture.address(), secret, (short)2, random, TIMEOUT_MS,
            unixTime))
        {
            final byte[] payload = new byte[32];
            random.nextBytes(payload);
            client.send(payload);
            assertArrayEquals(payload, Arrays.copyOf(client.receive(), payload.length), who);
        }
    }

    private static void assertFronted(final CloakServer cloak, final ProxyFixture fixture, final byte[] probe,
        final int connection) throws Exception
    {
        try (Socket socket = connect(fixture))
        {
            socket.getOutputStream().write(probe);
            final InputStream in = socket.getInputStream();
            assertArrayEquals(CloakServer.BANNER, in.readNBytes(CloakServer.BANNER.length), "probe " + connection);
        }
        Await.until("probe " + connection + " at the cloak host", TIMEOUT_MS,
            () -> cloak.connections() > connection && Arrays.equals(probe, cloak.received(connection)));
    }

    private static void assertReset(final ProxyFixture fixture, final byte[] probe) throws IOException
    {
        try (Socket socket = connect(fixture))
        {
            socket.getOutputStream().write(probe);
            final SocketException ex = assertThrows(SocketException.class, () ->
            {
                while (socket.getInputStream().read() >= 0)
                {
                    // nothing comes before the reset
                }
            }, "a reset, not a FIN");
            assertTrue(String.valueOf(ex.getMessage()).contains("reset"), ex.toString());
        }
    }

    private static String bucket(final String result, final String le)
    {
        return SKEW + "_bucket{mode=\"tls\",result=\"" + result + "\",le=\"" + le + "\"}";
    }

    private static Socket connect(final ProxyFixture fixture) throws IOException
    {
        final Socket socket = new Socket();
        socket.setSoTimeout(TIMEOUT_MS);
        socket.connect(fixture.address(), TIMEOUT_MS);
        return socket;
    }
}
