package io.mtgj.perf;

import io.mtgj.config.MiddleProxySettings;
import io.mtgj.config.ProxyConfig;
import io.mtgj.config.StatsConfig;
import io.mtgj.middle.MiddleProxies;
import io.mtgj.net.CloseReason;
import io.mtgj.perf.middle.FakeMiddleProxy;
import io.mtgj.perf.middle.MiddleConfigServer;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.PacketFraming;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Promoted-channel mode end to end: real clients through the proxy to a fake middle proxy written independently
 * from protocol.md, with Telegram's config served from loopback.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MiddleProxyEndToEndTest extends WithMiddleSide
{
    private static final String AD_TAG = MiddleSide.AD_TAG;
    private static final int TIMEOUT_MS = 20_000;
    private static final int DEAF_ANSWER_BYTES = 12 << 20;
    private static final int READER_ANSWER_BYTES = 3 << 20;
    private static final int TINY_BUFFER_BYTES = 4096;
    private static final long TINY_ARENA_BYTES = 64 << 10;
    private static final int TINY_ARENA_ROUNDS = 12;

    MiddleProxyEndToEndTest()
    {
        super(77);
    }

    private ProxyFixture startProxy(final Secret secret, final UnaryOperator<ProxyConfig.Builder> more)
        throws IOException
    {
        // No pool floor: these tests count the connections their clients open (MiddlePoolEndToEndTest has floors).
        return ProxyFixture.start(secret, b -> more.apply(side.pointAt(b).middlePoolFloor(0)));
    }

    @Test
    void shouldCarryEverySecretModeAndTransportIntactWithTheAdTag() throws Exception
    {
        final Secret simple = Secret.generate(SecretMode.SIMPLE, null, random);
        final Secret secured = Secret.generate(SecretMode.SECURED, null, random);
        final Secret tls = Secret.generate(SecretMode.FAKE_TLS, "storage.googleapis.com", random);
        for (final Secret secret : List.of(simple, secured, tls))
        {
            try (ProxyFixture fixture = startProxy(secret, UnaryOperator.identity()))
            {
                final List<ProtocolTag> tags = SecretMode.SIMPLE == secret.mode() ?
                    List.of(ProtocolTag.values()) : List.of(ProtocolTag.PADDED_INTERMEDIATE);
                for (final ProtocolTag tag : tags)
                {
                    try (ClientConnection client = ClientConnection.connect(
                        fixture.address(), secret, tag, (short)2, random, TIMEOUT_MS))
                    {
                        for (final int size : new int[] {4, 1000, 64 * 1024, 1 << 20})
                        {
                            final byte[] payload = new byte[size];
                            random.nextBytes(payload);
                            client.send(payload);
                            final byte[] answer = client.receive();
                            assertNotNull(answer, secret.mode() + " " + tag + " " + size);
                            assertArrayEquals(payload, Arrays.copyOf(answer, size), secret.mode() + " " + tag);
                        }
                    }
                }
                fixture.awaitQuiet();
                assertEquals(0, fixture.proxy.crashes());
            }
        }
        assertEquals(0, middleProxy.requestsWithoutAdTag());
        assertEquals(Set.of(AD_TAG), middleProxy.adTagsSeen());
        assertEquals(0, middleProxy.protocolErrors(), middleProxy.protocolErrorMessages().toString());
        assertEquals(0, middleProxy.notEncryptedFlagMismatches());
    }

    @Test
    void shouldPassQuickAcksBothWaysInEveryTransport() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (ProxyFixture fixture = startProxy(secret, UnaryOperator.identity()))
        {
            for (final ProtocolTag tag : ProtocolTag.values())
            {
                try (TestClient client = TestClient.connect(fixture.address(), secret, tag, (short)2, random,
                    TIMEOUT_MS))
                {
                    final byte[] payload = new byte[64];
                    random.nextBytes(payload);
                    client.sendAskingQuickAck(payload);
                    final byte[] c = FakeMiddleProxy.confirmFor(payload);
                    // abridged carries the confirm word big-endian (protocol.md 2.6), the others as it came
                    final byte[] expected = ProtocolTag.ABRIDGED == tag ? new byte[] {c[3], c[2], c[1], c[0]} : c;
                    assertArrayEquals(expected, client.receiveQuickAck(), tag + ": the quick ack comes first");
                    assertArrayEquals(payload, Arrays.copyOf(client.receive(), 64), tag + ": then the answer");
                }
            }
            assertEquals(3, middleProxy.quickAckRequests(), "the flag reached the middle proxy");
        }
    }

    @Test
    void shouldTalkToMiddleProxiesThatDoNotPadTheirNonce() throws Exception
    {
        // Telegram's own middle proxies answer the nonce in 44 bytes; mtg pads to 48. Both must work.
        try (FakeMiddleProxy unpadded = FakeMiddleProxy.start(proxySecret, null, false))
        {
            configServer.replaceConfig(MiddleConfigServer.everyDc(List.of(unpadded.address())), Map.of());
            final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
            try (ProxyFixture fixture = startProxy(secret, UnaryOperator.identity());
                ClientConnection client = roundTrip(fixture, secret, random))
            {
                assertEquals(1, unpadded.handshakesCompleted());
                assertEquals(0, unpadded.protocolErrors(), unpadded.protocolErrorMessages().toString());
            }
        }
    }

    @Test
    void shouldShare120ClientsOverExactlyThreeConnections() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        final int clients = 120;
        try (ProxyFixture fixture = startProxy(secret, b -> b.multiplexPerConnection(50).middleIdleCloseMs(500)))
        {
            final List<ClientConnection> open = new ArrayList<>();
            final ExecutorService pool = Executors.newFixedThreadPool(clients);
            try
            {
                final List<Future<ClientConnection>> connecting = new ArrayList<>();
                for (int i = 0; i < clients; i++)
                {
                    final long seed = random.nextLong();
                    connecting.add(pool.submit(() -> roundTrip(fixture, secret, new Random(seed))));
                }
                for (final Future<ClientConnection> client : connecting)
                {
                    open.add(client.get(60, TimeUnit.SECONDS));
                }
                assertEquals(3, fixture.proxy.middleProxyConnections());
                final List<Integer> sizes = new ArrayList<>();
                for (final Set<String> ids : middleProxy.connIdsPerConnection())
                {
                    sizes.add(ids.size());
                }
                sizes.sort(null);
                assertEquals(List.of(20, 50, 50), sizes);
            }
            finally
            {
                pool.shutdownNow();
                for (final ClientConnection client : open)
                {
                    client.close();
                }
            }
            fixture.awaitQuiet();
            Await.until("every client to be announced as gone", 10_000,
                () -> middleProxy.closeConnsReceived().size() == clients);
            Await.until("the idle connections to close", 10_000, () -> 0 == fixture.proxy.middleProxyConnections());
        }
    }

    private static ClientConnection roundTrip(final ProxyFixture fixture, final Secret secret, final Random random)
        throws IOException
    {
        return roundTrip(fixture, secret, (short)2, 64, random);
    }

    private static ClientConnection roundTrip(final ProxyFixture fixture, final Secret secret, final short dc,
        final int size, final Random random) throws IOException
    {
        final ClientConnection client =
            ClientConnection.connect(fixture.address(), secret, ProtocolTag.INTERMEDIATE, dc, random, TIMEOUT_MS);
        echo(client, size, random);
        return client;
    }

    private static void echo(final ClientConnection client, final int size, final Random random) throws IOException
    {
        final byte[] payload = new byte[size];
        random.nextBytes(payload);
        client.send(payload);
        final byte[] answer = client.receive();
        assertNotNull(answer, "an answer of " + size + " bytes");
        assertArrayEquals(payload, Arrays.copyOf(answer, size));
    }

    @Test
    void shouldDropAMiddleProxyThatNeverAnswersAndCloseItsClients() throws Exception
    {
        // Accepts connections (the kernel's backlog does) and never says a word.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            configServer.replaceConfig(
                MiddleConfigServer.everyDc(List.of((InetSocketAddress)silent.getLocalSocketAddress())), Map.of());
            final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
            final StatsConfig stats = StatsConfig.builder()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
            final String gauge = "mtg_telegram_connections{mode=\"secured\",dc=\"2\",middle_proxy=\"127.0.0.1:" +
                silent.getLocalPort() + "\"}";
            final String failures = "mtg_middle_proxy_failures_total{mode=\"secured\",dc=\"2\",middle_proxy=\"127.0.0.1:" +
                silent.getLocalPort() + "\"}";
            try (ProxyFixture fixture = startProxy(secret, b -> b.dialTimeoutMs(500).stats(stats));
                ClientConnection client = ClientConnection.connect(
                    fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2, random, TIMEOUT_MS))
            {
                client.send(new byte[64]);
                Await.until("a connection to the silent middle proxy", 10_000,
                    () -> 1 == fixture.proxy.middleProxyConnections());
                assertEquals(1, MetricsScrape.scrape(fixture.proxy.statsAddress()).value(gauge),
                    "middle-proxy connections count as connections to Telegram");
                assertTrue(client.isClosedByPeer(), "no handshake within the dial timeout: its clients are closed");
                Await.until("the connection and its permit to go", 10_000,
                    () -> 0 == fixture.proxy.middleProxyConnections());
                assertEquals(0, MetricsScrape.scrape(fixture.proxy.statsAddress()).value(gauge));
                assertEquals(1, MetricsScrape.scrape(fixture.proxy.statsAddress()).value(failures),
                    "a connection that never finished its handshake counts as a failure");
                assertEquals(0, fixture.proxy.crashes());
            }
        }
    }

    @Test
    void shouldCloseAClientWhoseLargePacketFindsNoHeapAndGiveTheHeapBack() throws Exception
    {
        // 512 KiB of heap for the reactor's clients: packets larger than the relay buffer are gathered on the heap.
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        try (ProxyFixture fixture = startProxy(secret, b -> b.middleHeapBytesPerWorker(512 << 10));
            ClientConnection client = roundTrip(fixture, secret, (short)2, 400 << 10, random))
        {
            echo(client, 400 << 10, random); // the first packet's heap came back, or this one would not fit
            try (ClientConnection greedy = roundTrip(fixture, secret, random))
            {
                try
                {
                    greedy.send(new byte[1 << 20]);
                }
                catch (final IOException closedWhileSending)
                {
                    // the proxy may close it before the whole packet is written
                }
                assertTrue(greedy.isClosedByPeer(), "a 1 MiB packet does not fit 512 KiB");
            }
            Await.until("the refusal to be counted", 10_000,
                () -> 1 == fixture.proxy.closed(CloseReason.OVERLOADED));
            echo(client, 400 << 10, random);
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    @Test
    void shouldCloseItsClientsWhenAMiddleProxyDiesAndUseANewConnectionAfter() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (ProxyFixture fixture = startProxy(secret, UnaryOperator.identity()))
        {
            final ClientConnection first = roundTrip(fixture, secret, random);
            final ClientConnection second = roundTrip(fixture, secret, random);
            first.send(FakeMiddleProxy.commandPacket(FakeMiddleProxy.DIE_COMMAND));
            assertNull(first.receive());
            assertTrue(second.isClosedByPeer(), "every client of the dead connection is closed");
            first.close();
            second.close();
            fixture.awaitQuiet();
            try (ClientConnection third = roundTrip(fixture, secret, random))
            {
                assertEquals(2, middleProxy.connectionsAccepted());
            }
        }
    }

    @Test
    void shouldRouteClosesAndAnswerPings() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (ProxyFixture fixture = startProxy(secret, UnaryOperator.identity());
            ClientConnection keeper = roundTrip(fixture, secret, random);
            ClientConnection closed = roundTrip(fixture, secret, random))
        {
            keeper.send(FakeMiddleProxy.commandPacket(FakeMiddleProxy.PING_COMMAND));
            Await.until("the pong", 10_000, () -> !middleProxy.pongs().isEmpty());
            closed.send(FakeMiddleProxy.commandPacket(FakeMiddleProxy.CLOSE_COMMAND));
            assertTrue(closed.isClosedByPeer(), "RPC_CLOSE_EXT reaches its client");
            final byte[] payload = new byte[40];
            keeper.send(payload);
            assertNotNull(keeper.receive(), "the other client on the connection carries on");
        }
    }

    @Test
    void shouldStreamLargeAnswers() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        try (ProxyFixture fixture = startProxy(secret, UnaryOperator.identity());
            ClientConnection client = roundTrip(fixture, secret, random))
        {
            // 8 MB as a client downloads a file: part after part, each asked for when the last has come. One 8 MB
            // answer would outrun a test client that the scheduler holds back for a moment: the proxy closes a
            // client that falls 2 MB behind its shared connection (shouldStreamAFrameOfMegabytes...).
            final long part = 1L << 20;
            long received = 0;
            for (int i = 0; i < 8; i++)
            {
                client.send(FakeMiddleProxy.bulkPacket(part));
                long partReceived = 0;
                while (partReceived < part)
                {
                    final byte[] answer = client.receive();
                    assertNotNull(answer);
                    partReceived += answer.length & ~3;
                }
                received += partReceived;
            }
            assertEquals(8 * part, received);
        }
    }

    @Test
    void shouldCloseASlowClientWithoutStallingTheOthersOnItsConnection() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (ProxyFixture fixture = startProxy(secret, UnaryOperator.identity());
            ClientConnection slow = roundTrip(fixture, secret, random);
            ClientConnection brisk = roundTrip(fixture, secret, random))
        {
            // The slow client asks for far more than its queue and socket buffers hold, and never reads.
            slow.send(FakeMiddleProxy.bulkPacket(64L << 20));
            Await.until("the slow client to be closed", 30_000,
                () -> 1 == fixture.proxy.closed(CloseReason.SLOW_CLIENT));
            for (int i = 0; i < 20; i++)
            {
                final byte[] payload = new byte[256];
                random.nextBytes(payload);
                brisk.send(payload);
                assertArrayEquals(payload, Arrays.copyOf(brisk.receive(), 256), "the shared connection still works");
            }
            assertEquals(1, fixture.proxy.middleProxyConnections());
        }
    }

    /**
     * A frame of megabytes streams through the connection's 16 KiB chunks. The decision for its client: an answer of
     * any size (up to the 16 MiB frame limit) reaches a client that keeps up, since each part is queued for it as it
     * arrives; a client that falls more than its queue's bound (2 MiB) behind is closed as too slow, mid-frame, and
     * the rest of the frame is read past with its CRC still checked, so the connection and its other clients carry
     * on, and no chunk stays behind.
     */
    @Test
    void shouldStreamAFrameOfMegabytesAndCloseOnlyAClientThatFallsBehind() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (ProxyFixture fixture = startProxy(secret, UnaryOperator.identity()))
        {
            try (ClientConnection deaf = roundTrip(fixture, secret, random);
                ClientConnection reader = roundTrip(fixture, secret, random);
                ClientConnection brisk = roundTrip(fixture, secret, random))
            {
                assertEquals(1, fixture.proxy.middleProxyConnections(), "three clients on one connection");
                // Twelve megabytes in one frame to a client that reads none of them: far more than its queue and the
                // socket buffers hold.
                deaf.send(FakeMiddleProxy.hugePacket(DEAF_ANSWER_BYTES));
                Await.until("the client that reads nothing to be closed as too slow", 30_000,
                    () -> 1 == fixture.proxy.closed(CloseReason.SLOW_CLIENT));
                // The middle proxy answers in order, so this echo comes after the whole frame was read past.
                for (int i = 0; i < 20; i++)
                {
                    echo(brisk, 256, random);
                }

                reader.send(FakeMiddleProxy.hugePacket(READER_ANSWER_BYTES));
                final byte[] answer = receiveOrNull(reader);
                if (null != answer)
                {
                    assertArrayEquals(FakeMiddleProxy.pattern(READER_ANSWER_BYTES), answer, "3 MiB in one packet");
                }
                else
                {
                    // only if this thread was held up for longer than 2 MiB take on loopback
                    assertEquals(2, fixture.proxy.closed(CloseReason.SLOW_CLIENT));
                }
                echo(brisk, 64 << 10, random);
                assertEquals(1, fixture.proxy.middleProxyConnections(), "the connection survived");
                assertEquals(1, middleProxy.connectionsAccepted());
                Await.until("an idle connection to hold no chunk", 10_000, () -> 0 == fixture.proxy.buffersInUse());
            }
            fixture.awaitQuiet();
            assertEquals(0, fixture.proxy.crashes());
            assertEquals(0, middleProxy.protocolErrors(), middleProxy.protocolErrorMessages().toString());
        }
    }

    private static byte[] receiveOrNull(final ClientConnection client)
    {
        try
        {
            return client.receive();
        }
        catch (final IOException closed)
        {
            return null;
        }
    }

    @Test
    void shouldCarryTheLargestPacketBothWaysInEveryTransport() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (ProxyFixture fixture = startProxy(secret, UnaryOperator.identity()))
        {
            for (final ProtocolTag tag : ProtocolTag.values())
            {
                try (ClientConnection client = ClientConnection.connect(
                    fixture.address(), secret, tag, (short)2, random, TIMEOUT_MS))
                {
                    // 1 MiB from the client, sixty-four chunks' worth: gathered aside, then encrypted chunk by chunk
                    // as the connection's queue drains. The middle proxy echoes what it decoded.
                    final byte[] packet = new byte[PacketFraming.MAX_PACKET_LENGTH];
                    random.nextBytes(packet);
                    client.send(packet);
                    assertArrayEquals(packet, Arrays.copyOf(client.receive(), packet.length), tag + ": request");
                    // 1 MiB to the client in one frame, passed on in parts as it is read.
                    client.send(FakeMiddleProxy.hugePacket(PacketFraming.MAX_PACKET_LENGTH));
                    assertArrayEquals(FakeMiddleProxy.pattern(PacketFraming.MAX_PACKET_LENGTH),
                        Arrays.copyOf(client.receive(), PacketFraming.MAX_PACKET_LENGTH), tag + ": answer");
                }
            }
            fixture.awaitQuiet();
            assertEquals(0, fixture.proxy.crashes());
            assertEquals(0, middleProxy.protocolErrors(), middleProxy.protocolErrorMessages().toString());
        }
    }

    /**
     * With an arena of 64 KiB, a fraction of what 24 clients' relay buffers and the connection's chunks want at once,
     * the connection waits for its chunks (in the priority line) instead of failing, and clients that arrive while it
     * is still being set up keep their first packet on the heap rather than pinning the arena it waits for: every
     * echo and every streamed answer completes, all through one connection.
     */
    @Test
    void shouldServeEveryClientThroughATinyArenaByWaitingForChunks() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        final StatsConfig stats = StatsConfig.builder()
            .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).build();
        try (ProxyFixture fixture = startProxy(secret, b -> b.readBufferBytes(TINY_BUFFER_BYTES)
            .writeBufferBytes(TINY_BUFFER_BYTES).maxDirectMemoryBytes(1 << 20).bufferMemoryBytes(TINY_ARENA_BYTES)
            .stats(stats)))
        {
            final int clients = 24;
            final CyclicBarrier together = new CyclicBarrier(clients);
            final ExecutorService pool = Executors.newFixedThreadPool(clients);
            try
            {
                final List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < clients; i++)
                {
                    final Random clientRandom = new Random(900 + i);
                    results.add(pool.submit(() -> echoRounds(fixture, secret, clientRandom, together)));
                }
                for (final Future<Integer> result : results)
                {
                    assertEquals(TINY_ARENA_ROUNDS, result.get(60, TimeUnit.SECONDS), "every round trip intact");
                }
            }
            finally
            {
                pool.shutdownNow();
            }
            fixture.awaitQuiet();
            assertEquals(1, middleProxy.connectionsAccepted(), "all through one middle-proxy connection");
            final MetricsScrape metrics = MetricsScrape.scrape(fixture.proxy.statsAddress());
            assertTrue(metrics.value("mtg_buffer_waits_total{mode=\"simple\"}") > 0,
                "the arena was too small for everyone at once, so some waited");
            assertEquals(0, metrics.value("mtg_buffer_waiting_connections{mode=\"simple\"}"));
            assertEquals(clients, fixture.proxy.closed(CloseReason.DONE), "closed by their clients, none failed");
            assertEquals(0, fixture.proxy.crashes());
            assertEquals(0, middleProxy.protocolErrors(), middleProxy.protocolErrorMessages().toString());
        }
    }

    private static int echoRounds(final ProxyFixture fixture, final Secret secret, final Random clientRandom,
        final CyclicBarrier together) throws Exception
    {
        try (ClientConnection client = roundTrip(fixture, secret, (short)2, 64, clientRandom))
        {
            together.await(30, TimeUnit.SECONDS); // everyone joined the one connection before anyone leaves it
            int done = 0;
            for (int round = 0; round < TINY_ARENA_ROUNDS; round++)
            {
                if (1 == round % 4)
                {
                    // an answer of many chunks, streamed in as the client takes it
                    final int size = (40_000 + clientRandom.nextInt(200_000)) & ~3;
                    client.send(FakeMiddleProxy.hugePacket(size));
                    assertArrayEquals(FakeMiddleProxy.pattern(size), Arrays.copyOf(client.receive(), size));
                }
                else
                {
                    // mostly a few relay buffers' worth, now and then more than a chunk (gathered aside, streamed)
                    final int size = (0 == round % 4 ? 40_000 + clientRandom.nextInt(80_000) :
                        4 + clientRandom.nextInt(4 * TINY_BUFFER_BYTES)) & ~3;
                    echo(client, size, clientRandom);
                }
                done++;
            }
            together.await(30, TimeUnit.SECONDS);
            return done;
        }
    }

    @Test
    void shouldFailToStartWithoutAConfigAndKeepTheLastGoodOneOnRefresh() throws Exception
    {
        configServer.failAll(true);
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        final IOException failure = assertThrows(IOException.class, () -> startProxy(secret, UnaryOperator.identity()));
        assertTrue(failure.getMessage().contains(configServer.secretUrl().toString()), failure.getMessage());
        configServer.failAll(false);

        final MiddleProxies upstream = new MiddleProxies(configServer.secretUrl(),
            configServer.configUrl(), configServer.configV6Url(), Hex.decode(AD_TAG), null,
            io.mtgj.config.PreferIp.IPV6, new MiddleProxySettings(50, 1, 60_000, 30_000, 1 << 20));
        upstream.refresh();
        assertEquals(middleProxy.address(), upstream.middleProxyFor((short)2, false));
        configServer.failAll(true);
        assertThrows(IOException.class, upstream::refresh);
        upstream.refreshQuietly();
        assertEquals(middleProxy.address(), upstream.middleProxyFor((short)-4, false), "the last good list is kept");
        assertArrayEquals(proxySecret, upstream.proxySecret());
    }
}
