package io.mtgj.perf;

import io.mtgj.secret.Secret;
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
 * Real clients through a real engine to the fake DC, both ways, many at once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DirectModeEndToEndTest
{
    private static final int CLIENTS = 200;
    private static final int PACKETS_PER_CLIENT = 3;
    private static final int READ_TIMEOUT_MS = 30_000;

    @Test
    void shouldCarrySimpleSecretTrafficIntactBothWays() throws Exception
    {
        final Secret secret = Secret.generate(io.mtgj.secret.SecretMode.SIMPLE, null, new Random(1));
        runClients(secret, new ProtocolTag[] {ProtocolTag.INTERMEDIATE, ProtocolTag.ABRIDGED,
            ProtocolTag.PADDED_INTERMEDIATE});
    }

    @Test
    void shouldCarrySecuredSecretTrafficIntactBothWays() throws Exception
    {
        final Secret secret = Secret.generate(io.mtgj.secret.SecretMode.SECURED, null, new Random(2));
        runClients(secret, new ProtocolTag[] {ProtocolTag.PADDED_INTERMEDIATE});
    }

    private void runClients(final Secret secret, final ProtocolTag[] tags) throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret))
        {
            final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try
            {
                final List<Future<Long>> results = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++)
                {
                    final int id = i;
                    results.add(pool.submit(() -> oneClient(fixture, tags[id % tags.length], id)));
                }
                long bytes = 0;
                for (final Future<Long> result : results)
                {
                    bytes += result.get(100, TimeUnit.SECONDS);
                }
                assertTrue(bytes > 0);
            }
            finally
            {
                pool.shutdownNow();
            }
            fixture.awaitQuiet();
            assertEquals(CLIENTS, fixture.proxy.handshakes());
            assertEquals(0, fixture.proxy.crashes());
            assertEquals((long)CLIENTS * PACKETS_PER_CLIENT, fixture.dc.packetsEchoed());
            for (final ProtocolTag tag : tags)
            {
                assertTrue(fixture.dc.tagsSeen().contains(tag), "the DC is told the client's transport " + tag);
            }
        }
    }

    private static long oneClient(final ProxyFixture fixture, final ProtocolTag tag, final int id) throws Exception
    {
        final Random random = new Random(1000 + id);
        final short[] dcs = {2, -2, 0, 7};
        long bytes = 0;
        try (TestClient client = TestClient.connect(
            fixture.address(), fixture.secret, tag, dcs[id % dcs.length], random, READ_TIMEOUT_MS))
        {
            for (int p = 0; p < PACKETS_PER_CLIENT; p++)
            {
                final byte[] payload = new byte[payloadSize(random, id, p, tag)];
                random.nextBytes(payload);
                client.send(payload);
                final byte[] echoed = client.receive();
                assertNotNull(echoed, "echo of packet " + p + " of client " + id);
                assertTrue(echoed.length >= payload.length && echoed.length <= payload.length + 3);
                assertArrayEquals(payload, Arrays.copyOf(echoed, payload.length));
                bytes += payload.length;
            }
        }
        return bytes;
    }

    private static int payloadSize(final Random random, final int id, final int packet, final ProtocolTag tag)
    {
        final int size = Payloads.size(random, id, packet);
        return ProtocolTag.ABRIDGED == tag ? Math.max(4, size & ~3) : size; // abridged counts 4-byte words
    }
}
