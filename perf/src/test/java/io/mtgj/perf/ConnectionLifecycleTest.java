package io.mtgj.perf;

import io.mtgj.net.CloseReason;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Close and half-close propagation, dial fallback, idle timeout; buffers always return to the pool.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLifecycleTest
{
    private static final int READ_TIMEOUT_MS = 10_000;
    private final Random random = new Random(7);
    private final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);

    @Test
    void shouldCloseTheDcWhenTheClientLeavesMidStream() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret))
        {
            final TestClient client = TestClient.connect(
                fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2, random, READ_TIMEOUT_MS);
            client.send(new byte[1000]);
            client.receive();
            // Half a packet, then gone.
            client.sendRaw(new byte[100]);
            client.close();
            Await.until("the DC side to close", 10_000, () -> fixture.dc.closedConnections() == 1);
            fixture.awaitQuiet();
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    @Test
    void shouldCloseTheClientWhenTheDcLeavesMidStream() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret);
            TestClient client = TestClient.connect(
                fixture.address(), secret, ProtocolTag.ABRIDGED, (short)-2, random, READ_TIMEOUT_MS))
        {
            client.send(new byte[400]);
            assertEquals(400, client.receive().length);
            client.send(FakeDc.CLOSE_COMMAND.length % 4 == 0 ? FakeDc.CLOSE_COMMAND :
                java.util.Arrays.copyOf(FakeDc.CLOSE_COMMAND, (FakeDc.CLOSE_COMMAND.length + 3) & ~3));
            assertNull(client.receive(), "the client sees the end of the stream");
            client.close();
            fixture.awaitQuiet();
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    @Test
    void shouldPropagateHalfCloseAndDeliverWhatIsInFlight() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret);
            TestClient client = TestClient.connect(
                fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2, random, READ_TIMEOUT_MS))
        {
            final byte[] payload = new byte[300_000];
            random.nextBytes(payload);
            client.send(payload);
            client.shutdownOutput();
            assertArrayEquals(payload, client.receive(), "the answer still arrives after our half-close");
            assertNull(client.receive(), "then the DC's close reaches us");
            Await.until("a clean close", 10_000, () -> fixture.proxy.closed(CloseReason.DONE) == 1);
            fixture.awaitQuiet();
        }
    }

    @Test
    void shouldFallBackToTheNextAddressWhenDialingFails() throws Exception
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        final int deadPort = deadPort(loopback);
        try (FakeDc dc4 = FakeDc.start(new InetSocketAddress(loopback, 0));
            ProxyFixture fixture = ProxyFixture.start(secret, b -> b
                .dcAddress(4, new InetSocketAddress(loopback, deadPort))
                .dcAddress(4, dc4.address()));
            TestClient client = TestClient.connect(
                fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)-4, random, READ_TIMEOUT_MS))
        {
            client.send(new byte[64]);
            assertEquals(64, client.receive().length);
            assertEquals(1, dc4.connections());
            assertEquals(0, fixture.dc.connections(), "DC 4 is not DC 2");
            assertTrue(dc4.dcIndexesSeen().contains((short)-4), "the media sign is kept");
        }
    }

    @Test
    void shouldCloseTheClientWhenNoAddressAnswers() throws Exception
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        final int deadPort = deadPort(loopback);
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b
                .dcAddress(3, new InetSocketAddress(loopback, deadPort)));
            TestClient client = TestClient.connect(
                fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)3, random, READ_TIMEOUT_MS))
        {
            client.send(new byte[64]);
            assertTrue(client.isClosedByPeer());
            Await.until("the dial failure to be counted", 5_000,
                () -> fixture.proxy.closed(CloseReason.DIAL_FAILED) == 1);
            fixture.awaitQuiet();
        }
    }

    @Test
    void shouldCloseIdleRelays() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.idleTimeoutMs(500));
            TestClient client = TestClient.connect(
                fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2, random, READ_TIMEOUT_MS))
        {
            client.send(new byte[8]);
            assertEquals(8, client.receive().length);
            assertTrue(client.isClosedByPeer());
            Await.until("the idle close to be counted", 5_000,
                () -> fixture.proxy.closed(CloseReason.IDLE_TIMEOUT) == 1);
            fixture.awaitQuiet();
        }
    }

    @Test
    void shouldStopReadingASenderWhileItsPeerDoesNotRead() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret);
            TestClient client = TestClient.connect(
                fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2, random, READ_TIMEOUT_MS))
        {
            // More than every socket buffer on the way can hold (loopback autotunes them to a few MiB each).
            final int packets = 64;
            final byte[] payload = new byte[1 << 20];
            random.nextBytes(payload);
            final Thread sender = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < packets; i++)
                    {
                        client.send(payload);
                    }
                }
                catch (final java.io.IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            sender.start();
            // Nobody reads the echoes: everything backs up, and the proxy holds only its two buffers.
            Thread.sleep(500);
            assertTrue(fixture.proxy.buffersInUse() <= 2, "buffers in use: " + fixture.proxy.buffersInUse());
            assertTrue(sender.isAlive(), "the sender is held back, not buffered without bound");
            for (int i = 0; i < packets; i++)
            {
                assertArrayEquals(payload, client.receive());
            }
            sender.join(10_000);
        }
    }

    @Test
    void shouldCloseEverySessionOnShutdown() throws Exception
    {
        final ProxyFixture fixture = ProxyFixture.start(secret);
        try (TestClient client = TestClient.connect(
            fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2, random, READ_TIMEOUT_MS))
        {
            client.send(new byte[8]);
            client.receive();
            fixture.close();
            assertTrue(client.isClosedByPeer());
            assertEquals(0, fixture.proxy.buffersInUse());
            assertEquals(0, fixture.proxy.activeConnections());
        }
    }

    /**
     * @return a loopback port where nothing listens (it was free a moment ago).
     */
    private static int deadPort(final InetAddress loopback) throws java.io.IOException
    {
        try (ServerSocket probe = new ServerSocket(0, 1, loopback))
        {
            return probe.getLocalPort();
        }
    }
}
