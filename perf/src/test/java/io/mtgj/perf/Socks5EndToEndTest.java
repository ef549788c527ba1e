package io.mtgj.perf;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.socks5.Socks5Failure;
import io.mtgj.socks5.Socks5Relay;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --socks5} end to end: real clients through the proxy, through a real SOCKS5 server (microsocks, dante) run
 * as a child process, to the fake DC. The SOCKS server's outgoing connections come from their own loopback address,
 * so the DC can tell they went through it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Socks5EndToEndTest
{
    private static final int TIMEOUT_MS = 10_000;
    private static final String[] LOGIN = {"mtg", "s3cret:@x"};
    private final Random random = new Random(516);

    private ProxyFixture startProxy(final Secret secret, final String... socks5) throws IOException
    {
        return ProxyFixture.start(secret, b -> b.socks5(List.of(socks5)).dialTimeoutMs(3_000));
    }

    private void exchange(final ProxyFixture fixture, final Secret secret, final int packets) throws IOException
    {
        try (TestClient client = TestClient.connect(fixture.address(), secret, ProtocolTag.PADDED_INTERMEDIATE,
            (short)2, random, TIMEOUT_MS))
        {
            for (int p = 0; p < packets; p++)
            {
                final byte[] payload = new byte[16 + random.nextInt(40_000)];
                random.nextBytes(payload);
                client.send(payload);
                final byte[] echoed = client.receive();
                assertNotNull(echoed, "echo of packet " + p);
                assertArrayEquals(payload, Arrays.copyOf(echoed, payload.length));
            }
        }
    }

    private static Socks5Relay relay(final ProxyFixture fixture, final int index)
    {
        return fixture.proxy.socks5().relays().get(index);
    }

    @Test
    void shouldRelayThroughMicrosocksBothWays() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        try (SocksServer socks = SocksServer.microsocks("127.0.0.2", null);
            ProxyFixture fixture = startProxy(secret, socks.url(null)))
        {
            for (int i = 0; i < 3; i++)
            {
                exchange(fixture, secret, 4);
            }
            fixture.awaitQuiet();
            assertEquals(Set.of(InetAddress.getByName("127.0.0.2")), fixture.dc.peersSeen(),
                "every connection came through the SOCKS server");
            assertEquals(3, relay(fixture, 0).tunnels());
            assertEquals(12, fixture.dc.packetsEchoed());
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    @Test
    void shouldLogInAndCountARefusedLoginWithoutHanging() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (SocksServer socks = SocksServer.microsocks("127.0.0.2", LOGIN))
        {
            try (ProxyFixture fixture = startProxy(secret, socks.url(new String[]{"mtg", "s3cret%3A%40x"})))
            {
                exchange(fixture, secret, 2);
                assertEquals(1, relay(fixture, 0).tunnels(), socks.log());
            }
            try (ProxyFixture fixture = startProxy(secret, socks.url(new String[]{"mtg", "wrong"})))
            {
                final long startNs = System.nanoTime();
                try (TestClient client = TestClient.connect(fixture.address(), secret,
                    ProtocolTag.PADDED_INTERMEDIATE, (short)2, random, TIMEOUT_MS))
                {
                    client.send(new byte[64]);
                    assertNull(client.receive(), "the client is closed");
                }
                final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                assertTrue(tookMs < 2_000, "closed at once, not after the 3 s dial timeout: " + tookMs + " ms");
                assertEquals(1, relay(fixture, 0).failures(Socks5Failure.LOGIN_REFUSED));
                assertFalse(relay(fixture, 0).isUp());
                assertEquals(0, fixture.dc.connections(), "nothing reached Telegram");
                fixture.awaitQuiet();
            }
        }
    }

    @Test
    void shouldSkipADeadServerWhileALiveOneCarriesTheTraffic() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        final String dead = "socks5://127.0.0.1:" + ManagedProcess.freePort(); // nothing listens there
        try (SocksServer socks = SocksServer.microsocks("127.0.0.2", null);
            ProxyFixture fixture = startProxy(secret, dead, socks.url(null)))
        {
            for (int i = 0; i < 6; i++)
            {
                exchange(fixture, secret, 1);
            }
            assertEquals(1, relay(fixture, 0).failures(Socks5Failure.UNREACHABLE),
                "tried once, then skipped for its back-off");
            assertFalse(relay(fixture, 0).isUp());
            assertEquals(6, relay(fixture, 1).tunnels());
            assertEquals(6, fixture.dc.packetsEchoed(), "no client lost to the dead server");
            fixture.awaitQuiet();
        }
    }

    @Test
    void shouldRelayThroughDanteAndReportItsRulesetRefusal() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        final FakeDc blocked = FakeDc.start(new java.net.InetSocketAddress("127.0.0.1", 0));
        try (blocked; SocksServer socks = SocksServer.dante("127.0.0.3", blocked.address().getPort());
            ProxyFixture fixture = startProxy(secret, socks.url(null)))
        {
            exchange(fixture, secret, 3);
            assertEquals(Set.of(InetAddress.getByName("127.0.0.3")), fixture.dc.peersSeen(), socks.log());
            try (ProxyFixture refused = ProxyFixture.start(secret, b -> b.socks5(List.of(socks.url(null)))
                .dcAddress(4, blocked.address())))
            {
                try (TestClient client = TestClient.connect(refused.address(), secret,
                    ProtocolTag.PADDED_INTERMEDIATE, (short)4, random, TIMEOUT_MS))
                {
                    client.send(new byte[64]);
                    assertNull(client.receive(), "the client is closed");
                }
                assertEquals(1, relay(refused, 0).failures(Socks5Failure.NOT_ALLOWED), socks.log());
                assertEquals(0, blocked.connections());
                refused.awaitQuiet();
            }
        }
    }

    @Test
    void shouldReachMiddleProxiesThroughDanteWithKeysForItsAddress() throws Exception
    {
        final MiddleSide side = MiddleSide.start(random);
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (side; SocksServer socks = SocksServer.dante("127.0.0.3", 1);
            ProxyFixture fixture = ProxyFixture.start(secret, b -> side.pointAt(b).middlePoolFloor(0)
                .socks5(List.of(socks.url(null)))))
        {
            try (TestClient client = TestClient.connect(fixture.address(), secret, ProtocolTag.INTERMEDIATE,
                (short)2, random, TIMEOUT_MS))
            {
                final byte[] payload = new byte[1000];
                random.nextBytes(payload);
                client.send(payload);
                final byte[] answer = client.receive();
                assertNotNull(answer, socks.log());
                assertArrayEquals(payload, Arrays.copyOf(answer, payload.length));
            }
            assertEquals(Set.of(InetAddress.getByName("127.0.0.3")), side.middleProxy.peersSeen(), socks.log());
            // the configuration fetches went through it too, then the middle-proxy connection
            assertTrue(relay(fixture, 0).tunnels() >= 1);
            fixture.awaitQuiet();
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    @Test
    void shouldFetchTheMiddleProxyConfigurationThroughALoginServer() throws Exception
    {
        final MiddleSide side = MiddleSide.start(random);
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (side; SocksServer socks = SocksServer.microsocks("127.0.0.3", LOGIN);
            ProxyFixture fixture = ProxyFixture.start(secret, b -> side.pointAt(b).middlePoolFloor(0)
                .socks5(List.of(socks.url(new String[]{"mtg", "s3cret%3A%40x"})))))
        {
            // started: the secret and the list came through microsocks, with the login
            try (TestClient client = TestClient.connect(fixture.address(), secret, ProtocolTag.INTERMEDIATE,
                (short)2, random, TIMEOUT_MS))
            {
                client.send(new byte[64]);
                // microsocks reports no bound address, which the middle-proxy keys need: a clear close, no hang
                assertNull(client.receive());
            }
            assertEquals(0, side.middleProxy.handshakesCompleted());
            fixture.awaitQuiet();
            assertEquals(0, fixture.proxy.crashes());
        }
    }

}
