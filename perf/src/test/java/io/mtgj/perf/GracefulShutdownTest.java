package io.mtgj.perf;

import io.mtgj.net.CloseReason;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Proxy.shutdown()}, what SIGTERM runs: new connections are refused at once, open ones keep relaying during
 * the drain window, and the proxy stops as soon as they are done, or closes them at the shutdown timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GracefulShutdownTest
{
    private static final int TIMEOUT_MS = 10_000;

    private final Random random = new Random(88);
    private final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);

    @Test
    void shouldKeepOpenConnectionsWorkingWhileRefusingNewOnes() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.shutdownTimeoutMs(30_000));
            TestClient client = connect(fixture.address()))
        {
            roundTrip(client, 1_000);
            final long startNs = System.nanoTime();

            final CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(fixture.proxy::shutdown);

            Await.until("new connections to be refused", TIMEOUT_MS, () -> Listeners.isRefused(fixture.address()));
            assertFalse(drained.isDone(), "still draining while a client is connected");
            for (int i = 0; i < 5; i++)
            {
                roundTrip(client, 10_000 + i);
            }
            client.close();

            assertTrue(drained.get(TIMEOUT_MS, TimeUnit.MILLISECONDS), "every connection finished by itself");
            assertTrue(System.nanoTime() - startNs < TimeUnit.MILLISECONDS.toNanos(20_000),
                "stopped when the last client left, not at the 30 s timeout");
            assertEquals(0, fixture.proxy.closed(CloseReason.SHUTDOWN));
            assertFalse(fixture.proxy.isHealthy(), "stopped");
            assertEquals(0, fixture.proxy.buffersInUse());
        }
    }

    @Test
    void shouldCloseWhatIsStillOpenAtTheTimeout() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.shutdownTimeoutMs(300));
            TestClient client = connect(fixture.address()))
        {
            roundTrip(client, 500);
            final long startNs = System.nanoTime();

            assertFalse(fixture.proxy.shutdown(), "a client was still connected at the timeout");

            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(elapsedMs >= 250 && elapsedMs < 5_000, elapsedMs + " ms");
            assertNull(client.receive(), "the client sees the end of the stream");
            assertEquals(1, fixture.proxy.closed(CloseReason.SHUTDOWN));
            assertEquals(0, fixture.proxy.buffersInUse());
        }
    }

    @Test
    void shouldLetACloseCutTheDrainShort() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.shutdownTimeoutMs(60_000));
            TestClient client = connect(fixture.address()))
        {
            roundTrip(client, 700);
            final CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(fixture.proxy::shutdown);
            Await.until("new connections to be refused", TIMEOUT_MS, () -> Listeners.isRefused(fixture.address()));

            fixture.proxy.close(); // a second SIGTERM

            assertFalse(drained.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            assertNull(client.receive());
            assertEquals(1, fixture.proxy.closed(CloseReason.SHUTDOWN));
        }
    }

    private TestClient connect(final InetSocketAddress address) throws IOException
    {
        return TestClient.connect(address, secret, ProtocolTag.ABRIDGED, (short)2, random, TIMEOUT_MS);
    }

    private void roundTrip(final TestClient client, final int length) throws IOException
    {
        final byte[] payload = new byte[length & ~3]; // abridged counts 4-byte words
        random.nextBytes(payload);
        client.send(payload);
        assertArrayEquals(payload, client.receive());
    }

}
