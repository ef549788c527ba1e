package io.mtgj.perf;

import io.mtgj.config.ProxyConfig;
import io.mtgj.config.StatsConfig;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay path allocates nothing per packet on the reactor thread (style.md 10, allocation guard), with metrics off
 * and on (counters, latency recorders, scrapes from another thread).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayAllocationTest
{
    private static final int WARM_UP_PACKETS = 3_000;
    private static final int MEASURED_PACKETS = 10_000;
    /** Allowance for selector internals and timer ticks; a per-packet allocation would cost far more. */
    private static final long MAX_BYTES_PER_PACKET = 16;

    @Test
    void shouldRelayWithoutAllocatingPerPacket() throws Exception
    {
        measure(b -> b, false);
    }

    @Test
    void shouldRelayWithoutAllocatingPerPacketWhileRecordingAndScrapingMetrics() throws Exception
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        final StatsConfig stats = StatsConfig.builder().bind(new InetSocketAddress(loopback, 0))
            .statsdHost("127.0.0.1").statsdPort(9).statsdIntervalMs(50).build(); // discard port: nobody listens
        measure(b -> b.stats(stats), true);
    }

    private static void measure(final UnaryOperator<ProxyConfig.Builder> tweak, final boolean scrape) throws Exception
    {
        final Random random = new Random(3);
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> tweak.apply(b.workers(1)));
            TestClient client = TestClient.connect(
                fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2, random, 10_000))
        {
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long reactorId = reactorThreadId();
            final byte[] payload = new byte[512];
            exchange(client, payload, WARM_UP_PACKETS);
            final long before = threads.getThreadAllocatedBytes(reactorId);
            exchange(client, payload, MEASURED_PACKETS / 2);
            if (scrape)
            {
                MetricsScrape.scrape(fixture.proxy.statsAddress());
            }
            exchange(client, payload, MEASURED_PACKETS / 2);
            final long allocated = threads.getThreadAllocatedBytes(reactorId) - before;
            assertTrue(allocated / MEASURED_PACKETS <= MAX_BYTES_PER_PACKET,
                "reactor allocated " + allocated + " bytes over " + MEASURED_PACKETS + " echoed packets");
        }
    }

    private static void exchange(final TestClient client, final byte[] payload, final int count) throws Exception
    {
        for (int i = 0; i < count; i++)
        {
            client.send(payload);
            assertNotNull(client.receive());
        }
    }

    private static long reactorThreadId()
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if ("mtg-reactor-0".equals(thread.getName()))
            {
                return thread.getId();
            }
        }
        throw new AssertionError("no reactor thread");
    }
}
