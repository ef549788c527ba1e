package io.mtgj.stats;

import io.mtgj.LoopbackHttp;
import io.prometheus.client.CollectorRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class StatsEndpointTest
{
    private static final int TIMEOUT_MS = 5_000;

    private static CollectorRegistry registry()
    {
        final CollectorRegistry registry = new CollectorRegistry(true);
        final StatsSource source = into ->
        {
            into.clear();
            into.addCrashes(1);
        };
        registry.register(new PrometheusCollector("mtg", "simple", source,
            new StatsSnapshot(List.of(), List.of(), List.of()), List.of()));
        return registry;
    }

    @Test
    void shouldServeMetricsAndHealthOnDaemonThreadsNamedMtgStats() throws Exception
    {
        final AtomicBoolean healthy = new AtomicBoolean(true);
        final InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        try (StatsEndpoint endpoint = StatsEndpoint.start(bind, registry(), healthy::get))
        {
            assertTrue(endpoint.address().getPort() > 0);
            assertEquals("ok", LoopbackHttp.get(endpoint.address(), "/health", 200, TIMEOUT_MS));
            final String metrics = LoopbackHttp.get(endpoint.address(), "/metrics", 200, TIMEOUT_MS);
            assertTrue(metrics.contains("\nmtg_crashes_total{mode=\"simple\",} 1.0\n"), metrics);
            healthy.set(false);
            assertEquals("unhealthy", LoopbackHttp.get(endpoint.address(), "/health", 503, TIMEOUT_MS));

            boolean dispatcher = false;
            boolean handler = false;
            for (final Thread thread : Thread.getAllStackTraces().keySet())
            {
                final String name = thread.getName();
                if (name.startsWith("mtg-stats"))
                {
                    assertTrue(thread.isDaemon(), name);
                    dispatcher |= "mtg-stats-http-dispatcher".equals(name);
                    handler |= name.matches("mtg-stats-\\d+");
                }
                assertTrue(!name.startsWith("prometheus-http"), name);
            }
            assertTrue(dispatcher && handler, "the JDK's dispatcher and our handler threads, renamed");
        }
    }

    @Test
    void shouldFailWithTheAddressWhenThePortIsTaken() throws Exception
    {
        final InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        try (StatsEndpoint first = StatsEndpoint.start(bind, registry(), () -> true))
        {
            final StatsBindException ex = assertThrows(StatsBindException.class,
                () -> StatsEndpoint.start(first.address(), registry(), () -> true));
            assertEquals(first.address(), ex.address());
        }
    }
}
