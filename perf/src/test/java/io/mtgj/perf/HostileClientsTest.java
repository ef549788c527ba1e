package io.mtgj.perf;

import io.mtgj.net.RejectReason;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Access lists, the per-IP limit, handshake floods and tricklers: real clients keep being served.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HostileClientsTest
{
    private static final int TIMEOUT_MS = 10_000;
    private final Random random = new Random(31);
    private final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);

    private ClientConnection client(final ProxyFixture fixture) throws IOException
    {
        return ClientConnection.connect(fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2, random,
            TIMEOUT_MS);
    }

    private void roundTrip(final ClientConnection client) throws IOException
    {
        final byte[] payload = new byte[128];
        random.nextBytes(payload);
        client.send(payload);
        assertArrayEquals(payload, Arrays.copyOf(client.receive(), payload.length));
    }

    private static Socket raw(final ProxyFixture fixture) throws IOException
    {
        final Socket socket = new Socket();
        socket.setSoTimeout(TIMEOUT_MS);
        socket.connect(fixture.address(), TIMEOUT_MS);
        return socket;
    }

    @Test
    void shouldResetDeniedNetworksBeforeReadingAByte() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret,
            b -> b.accessLists(List.of(), List.of("127.0.0.0/8"), List.of())))
        {
            // On loopback the reset can beat even the end of connect: either way, refused.
            assertTrue(isRefused(fixture));
            Await.until("the refusal to be counted", 5_000, () -> 1 == fixture.proxy.rejected(RejectReason.ACCESS_LIST));
            assertEquals(0, fixture.proxy.acceptedConnections(), "refused before it became a session");
            assertEquals(0, fixture.dc.connections());
        }
        try (ProxyFixture fixture = ProxyFixture.start(secret,
            b -> b.accessLists(List.of("127.0.0.1/32"), List.of(), List.of()));
            ClientConnection allowed = client(fixture))
        {
            roundTrip(allowed);
        }
    }

    @Test
    void shouldFrontDeniedClientsOfATlsProxyWhenAsked() throws Exception
    {
        final Secret tls = Secret.generate(SecretMode.FAKE_TLS, CloakServer.TEST_HOST, random);
        try (CloakServer cloak = CloakServer.startPlain();
            ProxyFixture fixture = ProxyFixture.start(tls, b -> b
                .accessLists(List.of(), List.of("127.0.0.0/8"), List.of())
                .cloakDenied(true)
                .cloakHost(cloak.address().getAddress().getHostAddress())
                .cloakPort(cloak.address().getPort()));
            Socket socket = raw(fixture))
        {
            final byte[] request = "GET / HTTP/1.1\r\nHost: cloak.mtgj.test\r\n\r\n".getBytes();
            socket.getOutputStream().write(request);
            assertArrayEquals(CloakServer.BANNER, socket.getInputStream().readNBytes(CloakServer.BANNER.length));
            Await.until("the bytes at the cloak host", 5_000,
                () -> 1 == cloak.connections() && Arrays.equals(request, cloak.received(0)));
            assertEquals(1, fixture.proxy.rejected(RejectReason.ACCESS_LIST));
            assertEquals(1, fixture.proxy.cloakedConnections());
        }
    }

    @Test
    void shouldLimitConnectionsPerIp() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.maxConnectionsPerIp(2));
            ClientConnection first = client(fixture);
            ClientConnection second = client(fixture))
        {
            roundTrip(first);
            roundTrip(second);
            assertTrue(isRefused(fixture));
            assertEquals(1, fixture.proxy.rejected(RejectReason.PER_IP_LIMIT));
            first.close();
            Await.until("the first to be gone", 5_000, () -> 1 == fixture.proxy.activeConnections());
            try (ClientConnection fourth = client(fixture))
            {
                roundTrip(fourth);
            }
        }
    }

    @Test
    void shouldServeRealClientsThroughAFloodOfHangingConnections() throws Exception
    {
        final List<Socket> flood = new ArrayList<>();
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.maxHandshakes(8).workers(1)))
        {
            try
            {
                for (int i = 0; i < 200; i++)
                {
                    final Socket socket = raw(fixture);
                    socket.getOutputStream().write(new byte[10]); // never a whole handshake
                    flood.add(socket);
                }
                for (int i = 0; i < 5; i++)
                {
                    try (ClientConnection real = client(fixture))
                    {
                        roundTrip(real);
                    }
                }
                Await.until("the oldest hanging connections to be dropped", 10_000,
                    () -> fixture.proxy.rejected(RejectReason.HANDSHAKE_LIMIT) >= 190);
            }
            finally
            {
                for (final Socket socket : flood)
                {
                    socket.close();
                }
            }
            fixture.awaitQuiet();
        }
    }

    @Test
    void shouldNotLetTricklersHoldTheProxyWhileRealTrafficFlows() throws Exception
    {
        final List<Socket> tricklers = new ArrayList<>();
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.handshakeTimeoutMs(1_000));
            ClientConnection real = client(fixture))
        {
            try
            {
                for (int i = 0; i < 300; i++)
                {
                    tricklers.add(raw(fixture));
                }
                final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                int round = 0;
                while (System.nanoTime() < endNs)
                {
                    // One byte each per round: none completes a handshake before its deadline.
                    for (final Socket trickler : tricklers)
                    {
                        writeQuietly(trickler.getOutputStream(), round);
                    }
                    roundTrip(real);
                    round++;
                    Thread.sleep(20);
                }
                assertTrue(round > 10, "the real client kept going: " + round + " round trips");
                Await.until("every trickler to be dropped at its deadline", 10_000,
                    () -> 1 == fixture.proxy.activeConnections());
                assertTrue(fixture.proxy.buffersInUse() <= 2, "buffers: " + fixture.proxy.buffersInUse());
                roundTrip(real);
            }
            finally
            {
                for (final Socket trickler : tricklers)
                {
                    trickler.close();
                }
            }
        }
    }

    private boolean isRefused(final ProxyFixture fixture)
    {
        try (ClientConnection refused = client(fixture))
        {
            refused.send(new byte[8]);
            return refused.isClosedByPeer();
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    private static void writeQuietly(final OutputStream out, final int value)
    {
        try
        {
            out.write(value);
        }
        catch (final IOException ex)
        {
            // dropped by the proxy: expected
        }
    }
}
