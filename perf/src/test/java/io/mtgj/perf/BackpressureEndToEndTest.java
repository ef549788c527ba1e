package io.mtgj.perf;

import io.mtgj.config.StatsConfig;
import io.mtgj.net.CloseReason;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The buffer arena end to end: with far less buffer memory than the clients would want at once, they all still get
 * every byte through (readers wait for buffers, nobody is refused or closed), the arena never holds more than its
 * budget, and waits are counted; a client that stops reading while Telegram streams to it is closed after the stall
 * timeout and its buffers come back, while others carry on.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BackpressureEndToEndTest
{
    private static final int TIMEOUT_MS = 20_000;
    private static final int BUFFER_BYTES = 4096;
    /** The least two reactors accept: four buffers of each size each; a quarter of it is the reserve. */
    private static final long ARENA_BYTES = 2L * 4 * 2 * BUFFER_BYTES;
    private static final int CLIENTS = 24;
    private static final int ROUNDS = 6;

    private final Random random = new Random(1313);
    private final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);

    @Test
    void shouldServeEveryoneThroughATinyArenaByMakingReadersWait() throws Exception
    {
        final StatsConfig stats = StatsConfig.builder()
            .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).build();
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.readBufferBytes(BUFFER_BYTES)
            .writeBufferBytes(BUFFER_BYTES).bufferMemoryBytes(ARENA_BYTES).stats(stats)))
        {
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong mostLeased = new AtomicLong();
            final Thread sampler = new Thread(() -> sampleLeasedBytes(fixture, running, mostLeased), "leased-sampler");
            sampler.start();
            final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try
            {
                final List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++)
                {
                    final long seed = 500 + i;
                    results.add(pool.submit(() -> echoRounds(fixture, new Random(seed))));
                }
                for (final Future<Integer> result : results)
                {
                    assertEquals(ROUNDS, result.get(TIMEOUT_MS, TimeUnit.MILLISECONDS), "every round trip intact");
                }
            }
            finally
            {
                pool.shutdownNow();
                running.set(false);
                sampler.join(TIMEOUT_MS);
            }
            fixture.awaitQuiet();
            final MetricsScrape metrics = MetricsScrape.scrape(fixture.proxy.statsAddress());
            assertTrue(metrics.value("mtg_buffer_waits_total{mode=\"simple\"}") > 0,
                "the arena was too small for everyone at once, so some waited");
            assertEquals(0, metrics.value("mtg_buffer_waiting_connections{mode=\"simple\"}"));
            assertEquals(0, metrics.value("mtg_buffer_leased_bytes{mode=\"simple\"}"));
            assertTrue(mostLeased.get() <= ARENA_BYTES, "never above the budget: " + mostLeased.get());
            assertEquals(CLIENTS, fixture.proxy.closed(CloseReason.DONE), "closed by their clients, none refused");
            assertEquals(0, fixture.proxy.rejectedConnections());
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    private int echoRounds(final ProxyFixture fixture, final Random clientRandom) throws IOException
    {
        try (TestClient client = TestClient.connect(fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2,
            clientRandom, TIMEOUT_MS))
        {
            int done = 0;
            for (int round = 0; round < ROUNDS; round++)
            {
                // several buffers' worth each way, so a round needs the arena more than once
                final byte[] payload = new byte[3 * BUFFER_BYTES + clientRandom.nextInt(8 * BUFFER_BYTES)];
                clientRandom.nextBytes(payload);
                client.send(payload);
                assertArrayEquals(payload, client.receive());
                done++;
            }
            return done;
        }
    }

    private static void sampleLeasedBytes(final ProxyFixture fixture, final AtomicBoolean running,
        final AtomicLong most)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS * 2L);
        while (running.get() && System.nanoTime() - deadlineNs < 0)
        {
            try
            {
                final long leased = MetricsScrape.scrape(fixture.proxy.statsAddress())
                    .value("mtg_buffer_leased_bytes{mode=\"simple\"}");
                most.accumulateAndGet(leased, Math::max);
                Thread.sleep(5);
            }
            catch (final IOException | InterruptedException ex)
            {
                return;
            }
        }
    }

    @Test
    void shouldCloseARelayWhosePeerStopsReadingAfterTheStallTimeout() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.stallTimeoutMs(1_000)))
        {
            try (TestClient stuck = TestClient.connect(fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2,
                random, TIMEOUT_MS);
                TestClient healthy = TestClient.connect(fixture.address(), secret, ProtocolTag.INTERMEDIATE,
                    (short)2, random, TIMEOUT_MS))
            {
                // Telegram streams 256 MiB to a client that reads nothing: the socket buffers fill, then the pipe.
                stuck.send(ByteBuffer.allocate(FakeDc.BULK_COMMAND.length + 8).order(ByteOrder.LITTLE_ENDIAN)
                    .put(FakeDc.BULK_COMMAND).putLong(256L << 20).array());
                final long startNs = System.nanoTime();
                Await.until("the stalled relay to be closed", TIMEOUT_MS,
                    () -> 1 == fixture.proxy.closed(CloseReason.STALLED));
                final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                assertTrue(tookMs >= 1_000, "not before the stall timeout: " + tookMs + " ms");
                Await.until("its buffers to come back", TIMEOUT_MS, () -> 0 == fixture.proxy.buffersInUse());

                final byte[] payload = new byte[10_000];
                random.nextBytes(payload);
                healthy.send(payload);
                assertArrayEquals(payload, healthy.receive(), "a client that reads is untouched");
                assertEquals(1, fixture.proxy.activeConnections());
            }
            fixture.awaitQuiet();
            assertEquals(1, fixture.proxy.closed(CloseReason.STALLED));
            assertEquals(0, fixture.proxy.crashes());
        }
    }
}
