package io.mtgj.perf;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FakeTLS clients (written from protocol.md, independently of the engine) through the proxy to the fake DC.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FakeTlsEndToEndTest
{
    private static final int CLIENTS = 100;
    private static final int PACKETS_PER_CLIENT = 3;
    private static final int READ_TIMEOUT_MS = 30_000;

    private final Secret secret = Secret.generate(SecretMode.FAKE_TLS, "storage.googleapis.com", new Random(5));

    @Test
    void shouldCarryTrafficIntactBothWaysForManyClients() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret))
        {
            final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try
            {
                final List<Future<?>> results = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++)
                {
                    final int id = i;
                    results.add(pool.submit(() -> oneClient(fixture, id)));
                }
                for (final Future<?> result : results)
                {
                    result.get(100, TimeUnit.SECONDS);
                }
            }
            finally
            {
                pool.shutdownNow();
            }
            fixture.awaitQuiet();
            assertEquals(CLIENTS, fixture.proxy.handshakes());
            assertEquals(0, fixture.proxy.cloakedConnections());
            assertEquals(0, fixture.proxy.crashes());
            assertEquals((long)CLIENTS * PACKETS_PER_CLIENT, fixture.dc.packetsEchoed());
        }
    }

    /**
     * Issue 14, point 7: a client that completes its handshake and then moves no byte either way is counted (the
     * signature of DPI that drops FakeTLS flows silently after the handshake); one that talks is not, however long
     * it stays.
     */
    @Test
    void shouldCountAClientSilentAfterItsHandshake() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.handshakeTimeoutMs(300)))
        {
            final Random random = new Random(77);
            try (FakeTlsClient talking = FakeTlsClient.connect(fixture.address(), secret, (short)2, random,
                READ_TIMEOUT_MS, System.currentTimeMillis() / 1000))
            {
                final byte[] payload = new byte[64];
                random.nextBytes(payload);
                talking.send(payload);
                assertArrayEquals(payload, Arrays.copyOf(talking.receive(), payload.length));
                Thread.sleep(1_000); // past the 300 ms window, still open
                assertEquals(0, fixture.proxy.silentAfterHandshake(), "a client that talked");
                try (FakeTlsClient silent = FakeTlsClient.connect(fixture.address(), secret, (short)2, random,
                    READ_TIMEOUT_MS, System.currentTimeMillis() / 1000))
                {
                    silent.flushHandshake(); // the handshake completes, and then nothing
                    Await.until("the silent client to be counted", READ_TIMEOUT_MS,
                        () -> 1 == fixture.proxy.silentAfterHandshake());
                }
            }
            fixture.awaitQuiet();
            assertEquals(1, fixture.proxy.silentAfterHandshake());
        }
    }

    private Void oneClient(final ProxyFixture fixture, final int id) throws Exception
    {
        final Random random = new Random(2000 + id);
        // Old and new client generations: 517-byte and ~1.8 KB hellos, some split over several records.
        final FakeTlsClient.Options options = new FakeTlsClient.Options()
            .modern(id % 2 == 0)
            .fragments(1 + id % 3);
        try (FakeTlsClient client = FakeTlsClient.connect(fixture.address(), secret, (short)(id % 2 == 0 ? 2 : -2),
            random, READ_TIMEOUT_MS, System.currentTimeMillis() / 1000, options))
        {
            for (int p = 0; p < PACKETS_PER_CLIENT; p++)
            {
                final byte[] payload = new byte[Payloads.size(random, id, p)];
                random.nextBytes(payload);
                client.send(payload);
                final byte[] echoed = client.receive();
                assertNotNull(echoed, "echo of packet " + p + " of client " + id);
                assertTrue(echoed.length >= payload.length && echoed.length <= payload.length + 3);
                assertArrayEquals(payload, Arrays.copyOf(echoed, payload.length));
            }
        }
        return null;
    }

    @Test
    void shouldAcceptTheTransportsMtgAcceptsInsideTls() throws Exception
    {
        final Random random = new Random(8);
        try (ProxyFixture fixture = ProxyFixture.start(secret))
        {
            for (final ProtocolTag tag : ProtocolTag.values())
            {
                try (FakeTlsClient client = FakeTlsClient.connect(fixture.address(), secret, (short)2, random,
                    READ_TIMEOUT_MS, System.currentTimeMillis() / 1000, new FakeTlsClient.Options().tag(tag)))
                {
                    final byte[] payload = new byte[4000];
                    random.nextBytes(payload);
                    client.send(payload);
                    assertArrayEquals(payload, Arrays.copyOf(client.receive(), payload.length), tag.toString());
                }
            }
            fixture.awaitQuiet();
            assertEquals(3, fixture.dc.tagsSeen().size());
        }
    }

    @Test
    void shouldCloseAClientWhoseFrameInsideTlsIsNotOurs() throws Exception
    {
        final Random random = new Random(9);
        try (ProxyFixture fixture = ProxyFixture.start(secret);
            FakeTlsClient client = FakeTlsClient.connect(fixture.address(), secret, (short)2, random,
                READ_TIMEOUT_MS, System.currentTimeMillis() / 1000))
        {
            // A valid TLS handshake, then 64 random bytes where the frame should be: closed, not fronted.
            final byte[] garbage = new byte[64];
            random.nextBytes(garbage);
            client.sendRecord(0x14, new byte[] {1});
            client.sendRecord(0x17, garbage);
            assertTrue(client.isClosedByPeer());
            fixture.awaitQuiet();
            assertEquals(0, fixture.dc.connections());
            assertEquals(0, fixture.proxy.cloakedConnections());
        }
    }
}
