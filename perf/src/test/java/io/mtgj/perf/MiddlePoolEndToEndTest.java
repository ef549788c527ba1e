package io.mtgj.perf;

import io.mtgj.config.ProxyConfig;
import io.mtgj.config.StatsConfig;
import io.mtgj.net.CloseReason;
import io.mtgj.perf.middle.FakeMiddleProxy;
import io.mtgj.perf.middle.MiddleConfigServer;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The middle-proxy pools of promoted-channel mode, end to end through the fake middle proxy, which counts the
 * connections it accepts: floors opened at start, reuse across client churn, idle connections closed after their
 * time, a broken connection closing only its clients and being replaced, pings finding a dead one, and 10,000
 * clients multiplexed over a few connections.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MiddlePoolEndToEndTest extends WithMiddleSide
{
    private static final int TIMEOUT_MS = 10_000;
    /** {@link MiddleConfigServer#everyDc} lists DCs 1..5 and -1..-5: ten pools per reactor. */
    private static final int CLUSTERS = 10;

    MiddlePoolEndToEndTest()
    {
        super(17);
    }

    private ProxyFixture startProxy(final Secret secret, final UnaryOperator<ProxyConfig.Builder> more)
        throws IOException
    {
        return ProxyFixture.start(secret, b -> more.apply(side.pointAt(b)));
    }

    @Test
    void shouldOpenTheFloorAtStartAndServeTheFirstClientsOnIt() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        try (ProxyFixture fixture = startProxy(secret, UnaryOperator.identity()))
        {
            Await.until("one connection per cluster before any client", 10_000,
                () -> CLUSTERS == middleProxy.handshakesCompleted());
            final short[] dcs = {1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 7};
            for (final short dc : dcs)
            {
                try (ClientConnection client = roundTrip(fixture, secret, dc))
                {
                    assertNotNull(client);
                }
            }
            assertEquals(CLUSTERS, middleProxy.connectionsAccepted(), "every client joined a connection of the floor");
            assertEquals(CLUSTERS, fixture.proxy.middleProxyConnections());
            assertEquals(0, middleProxy.protocolErrors(), middleProxy.protocolErrorMessages().toString());
        }
    }

    @Test
    void shouldReuseTheSameConnectionsAcrossClientChurn() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        final int clients = 300;
        try (ProxyFixture fixture = startProxy(secret, b -> b.workers(2)))
        {
            Await.until("the floors of both reactors", 10_000,
                () -> 2 * CLUSTERS == middleProxy.handshakesCompleted());
            final ExecutorService threads = Executors.newFixedThreadPool(8);
            try
            {
                final List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < clients; i++)
                {
                    final short dc = (short)(1 + i % 5);
                    final long seed = random.nextLong();
                    done.add(threads.submit(() ->
                    {
                        roundTrip(fixture, secret, dc, new Random(seed)).close();
                        return null;
                    }));
                }
                for (final Future<?> client : done)
                {
                    client.get(60, TimeUnit.SECONDS);
                }
            }
            finally
            {
                threads.shutdownNow();
            }
            Await.until("every client to be announced as gone", 10_000,
                () -> clients == middleProxy.closeConnsReceived().size());
            assertEquals(2 * CLUSTERS, middleProxy.connectionsAccepted(), "300 short clients opened no connection");
            assertEquals(2 * CLUSTERS, fixture.proxy.middleProxyConnections(), "and closed none");
            fixture.awaitQuiet();
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    @Test
    void shouldKeepAnEmptyConnectionForTheIdleTimeThenCloseItDownToTheFloor() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        try (ProxyFixture fixture = startProxy(secret, b -> b.multiplexPerConnection(2).middleIdleCloseMs(2_000)))
        {
            Await.until("the floor", 10_000, () -> CLUSTERS == middleProxy.handshakesCompleted());
            final List<ClientConnection> six = new ArrayList<>();
            try
            {
                for (int i = 0; i < 6; i++)
                {
                    six.add(roundTrip(fixture, secret, (short)2));
                }
                assertEquals(CLUSTERS + 2, fixture.proxy.middleProxyConnections(), "two clients a connection");
            }
            finally
            {
                for (final ClientConnection client : six)
                {
                    client.close();
                }
            }
            Await.until("the clients to be announced as gone", 10_000,
                () -> 6 == middleProxy.closeConnsReceived().size());
            final long quietSince = System.nanoTime();
            assertEquals(CLUSTERS + 2, fixture.proxy.middleProxyConnections(), "no close when the last client leaves");
            Await.until("the connections above the floor to close", 10_000,
                () -> CLUSTERS == fixture.proxy.middleProxyConnections());
            assertTrue(System.nanoTime() - quietSince >= TimeUnit.MILLISECONDS.toNanos(1_500),
                "closed after the idle time, not before");
            try (ClientConnection client = roundTrip(fixture, secret, (short)2))
            {
                assertEquals(CLUSTERS + 2, middleProxy.connectionsAccepted(), "the floor's connection serves it");
            }
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    @Test
    void shouldCloseOnlyTheClientsOfABrokenConnectionCountItAndReplaceIt() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        final StatsConfig stats = StatsConfig.builder()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
        final String failures = "mtg_middle_proxy_failures_total{mode=\"simple\",dc=\"2\",middle_proxy=\"" +
            hostPort(middleProxy.address()) + "\"}";
        final String open = "mtg_telegram_connections{mode=\"simple\",dc=\"2\",middle_proxy=\"" +
            hostPort(middleProxy.address()) + "\"}";
        try (ProxyFixture fixture = startProxy(secret, b -> b.stats(stats));
            ClientConnection doomed = roundTrip(fixture, secret, (short)2);
            ClientConnection neighbour = roundTrip(fixture, secret, (short)2);
            ClientConnection elsewhere = roundTrip(fixture, secret, (short)4))
        {
            assertEquals(CLUSTERS, middleProxy.connectionsAccepted());
            doomed.send(FakeMiddleProxy.commandPacket(FakeMiddleProxy.DIE_COMMAND));
            assertTrue(doomed.isClosedByPeer(), "the client whose connection died");
            assertTrue(neighbour.isClosedByPeer(), "and its neighbour on that connection");
            echo(elsewhere, 64);
            awaitTheReplacement(fixture, secret);
            assertEquals(2, fixture.proxy.closed(CloseReason.IO_ERROR), "only the two clients of that connection");
            final MetricsScrape scrape = MetricsScrape.scrape(fixture.proxy.statsAddress());
            assertEquals(1, scrape.value(failures));
            assertEquals(2, scrape.value(open), "the floors of DC 2 and of its media cluster, -2");
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    @Test
    void shouldPingSilentConnectionsAndReplaceOnesWhosePingsGoUnanswered() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        try (ProxyFixture fixture = startProxy(secret, b -> b.middlePingIntervalMs(300)))
        {
            Await.until("the floor", 10_000, () -> CLUSTERS == middleProxy.handshakesCompleted());
            Await.until("every silent connection to be pinged", 10_000,
                () -> middleProxy.pingsReceived() >= CLUSTERS);
            assertEquals(CLUSTERS, middleProxy.connectionsAccepted(), "answered pings keep connections open");
            try (ClientConnection client = roundTrip(fixture, secret, (short)2))
            {
                client.send(FakeMiddleProxy.commandPacket(FakeMiddleProxy.HANG_COMMAND));
                Await.until("the middle proxy to hang", 10_000, () -> 1 == middleProxy.connectionsHung());
                final long hungSince = System.nanoTime();
                assertTrue(client.isClosedByPeer(), "a hung connection is dropped with its clients");
                assertTrue(System.nanoTime() - hungSince < TimeUnit.SECONDS.toNanos(5),
                    "within two ping intervals, and a timer tick or two");
            }
            awaitTheReplacement(fixture, secret);
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    @Test
    void shouldBackOffWhileSetUpsFailAndRefuseClientsMeanwhile() throws Exception
    {
        // A middle proxy that accepts and hangs up at once: every set-up fails.
        final AtomicInteger attempts = new AtomicInteger();
        try (ServerSocket rude = new ServerSocket(0, 200, InetAddress.getLoopbackAddress()))
        {
            final Thread acceptor = new Thread(() ->
            {
                while (!rude.isClosed())
                {
                    try (Socket socket = rude.accept())
                    {
                        attempts.incrementAndGet();
                    }
                    catch (final IOException closed)
                    {
                        return;
                    }
                }
            }, "rude-middle-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
            configServer.replaceConfig(
                MiddleConfigServer.everyDc(List.of((InetSocketAddress)rude.getLocalSocketAddress())), Map.of());
            final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
            try (ProxyFixture fixture = startProxy(secret, UnaryOperator.identity()))
            {
                Await.until("the floors' first attempts", 10_000, () -> attempts.get() >= CLUSTERS);
                final long startNs = System.nanoTime();
                try (ClientConnection client = ClientConnection.connect(fixture.address(), secret,
                    ProtocolTag.PADDED_INTERMEDIATE, (short)2, random, TIMEOUT_MS))
                {
                    client.send(IdleConnections.packet(random, 64));
                    assertTrue(client.isClosedByPeer(), "no connection to be had: refused");
                }
                assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(2), "at once, not after a dial");
                Thread.sleep(3_500);
                // 1 s, then 2 s (each +-25%): at most three more rounds in 3.5 s, not a dial per client or per tick.
                assertTrue(attempts.get() <= 4 * CLUSTERS, attempts.get() + " set-up attempts");
                assertTrue(attempts.get() >= 2 * CLUSTERS, "but it does retry: " + attempts.get());
                assertEquals(1, fixture.proxy.closed(CloseReason.DIAL_FAILED));
                assertEquals(0, fixture.proxy.crashes());
            }
        }
    }

    @Test
    void shouldMultiplexTenThousandClientsOverAFewConnections() throws Exception
    {
        // 2,000 at once (the test holds both ends: 4,000 descriptors), five waves.
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        final int wave = 2_000;
        final int waves = 5;
        try (ProxyFixture fixture = startProxy(secret, b -> b.workers(2)))
        {
            Await.until("the floors", 10_000, () -> 2 * CLUSTERS == middleProxy.handshakesCompleted());
            final ExecutorService threads = Executors.newFixedThreadPool(8);
            final AtomicInteger echoed = new AtomicInteger();
            try
            {
                for (int w = 0; w < waves; w++)
                {
                    final List<ClientConnection> open = new CopyOnWriteArrayList<>();
                    try
                    {
                        final List<Future<?>> done = new ArrayList<>();
                        for (int t = 0; t < 8; t++)
                        {
                            final long seed = random.nextLong();
                            done.add(threads.submit(() ->
                            {
                                final Random mine = new Random(seed);
                                for (int i = 0; i < wave / 8; i++)
                                {
                                    open.add(roundTrip(fixture, secret, (short)2, mine));
                                    echoed.incrementAndGet();
                                }
                                return null;
                            }));
                        }
                        for (final Future<?> thread : done)
                        {
                            thread.get(120, TimeUnit.SECONDS);
                        }
                        // 2,000 clients of DC 2 over two reactors: each reactor's pool grows past its floor by the
                        // clients beyond 500 per connection, and no further.
                        assertTrue(fixture.proxy.middleProxyConnections() <= 2 * CLUSTERS + 2 + wave / 500,
                            "connections: " + fixture.proxy.middleProxyConnections());
                    }
                    finally
                    {
                        for (final ClientConnection client : open)
                        {
                            client.close();
                        }
                    }
                }
            }
            finally
            {
                threads.shutdownNow();
            }
            assertEquals(wave * waves, echoed.get());
            Await.until("every client to be announced as gone", 30_000,
                () -> wave * waves == middleProxy.closeConnsReceived().size());
            assertTrue(middleProxy.connectionsAccepted() <= 2 * CLUSTERS + 2 + wave / 500,
                "10,000 clients over " + middleProxy.connectionsAccepted() + " connections: the same ones each wave");
            fixture.awaitQuiet();
            assertEquals(0, fixture.proxy.crashes());
            assertEquals(0, middleProxy.protocolErrors(), middleProxy.protocolErrorMessages().toString());
        }
    }

    /**
     * The one connection lost is replaced (one more handshake, the floor whole again) and serves a new client.
     */
    private void awaitTheReplacement(final ProxyFixture fixture, final Secret secret) throws IOException
    {
        Await.until("the lost connection to be replaced", 10_000,
            () -> CLUSTERS + 1 == middleProxy.handshakesCompleted() &&
                CLUSTERS == fixture.proxy.middleProxyConnections());
        try (ClientConnection again = roundTrip(fixture, secret, (short)2))
        {
            assertEquals(CLUSTERS + 1, middleProxy.connectionsAccepted(), "the replacement serves new clients");
        }
    }

    private ClientConnection roundTrip(final ProxyFixture fixture, final Secret secret, final short dc)
        throws IOException
    {
        return roundTrip(fixture, secret, dc, random);
    }

    private static ClientConnection roundTrip(final ProxyFixture fixture, final Secret secret, final short dc,
        final Random random) throws IOException
    {
        final ClientConnection client = ClientConnection.connect(fixture.address(), secret,
            ProtocolTag.PADDED_INTERMEDIATE, dc, random, TIMEOUT_MS);
        try
        {
            final byte[] payload = IdleConnections.packet(random, 64);
            client.send(payload);
            final byte[] answer = client.receive();
            assertNotNull(answer, "an echo");
            assertArrayEquals(payload, Arrays.copyOf(answer, payload.length));
            return client;
        }
        catch (final IOException | RuntimeException | AssertionError ex)
        {
            client.close();
            throw ex;
        }
    }

    private void echo(final ClientConnection client, final int size) throws IOException
    {
        final byte[] payload = IdleConnections.packet(random, size);
        client.send(payload);
        assertArrayEquals(payload, Arrays.copyOf(client.receive(), size));
    }

    private static String hostPort(final InetSocketAddress address)
    {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
