package io.mtgj.config;

import io.mtgj.secret.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class DirectMemoryBudgetTest
{
    private static final long MIB = 1L << 20;
    private static final int KIB_32 = 32 * 1024;
    private static final Secret SECRET = Secret.parse("00112233445566778899aabbccddeeff");

    @Test
    void shouldDeriveTheDocumentedDefaultForTheImageProfile()
    {
        // 32 MiB of direct memory, 32 KiB buffers, 2 reactors: the figure the README and the javadoc quote
        assertEquals(359, DirectMemoryBudget.defaultMaxConnections(32 * MIB, 2, KIB_32, KIB_32));
        assertEquals(2L * KIB_32 + 128, DirectMemoryBudget.perConnectionBytes(KIB_32, KIB_32));
        assertEquals(44, DirectMemoryBudget.idleBuffersPerPool(359, 2));
        assertEquals(256, DirectMemoryBudget.idleBuffersPerPool(100_000, 2), "capped");
        assertEquals(1, DirectMemoryBudget.idleBuffersPerPool(3, 4), "at least one");
    }

    @Test
    void shouldPickTheLargestLimitThatFits()
    {
        final long[] limits = {MIB, 3 * MIB, 32 * MIB, 100 * MIB, 6L << 30};
        final int[] workers = {1, 2, 7, 64};
        final int[][] buffers = {{KIB_32, KIB_32}, {1024, 17 * 1024}, {1 << 20, 4096}};
        for (final long maxDirect : limits)
        {
            for (final int w : workers)
            {
                for (final int[] sizes : buffers)
                {
                    final String what = maxDirect + " bytes, " + w + " workers, " + sizes[0] + "/" + sizes[1];
                    final long budget = DirectMemoryBudget.budgetBytes(maxDirect);
                    final int n = DirectMemoryBudget.defaultMaxConnections(maxDirect, w, sizes[0], sizes[1]);
                    assertTrue(n >= 1, what);
                    if (DirectMemoryBudget.boundBytes(1, w, sizes[0], sizes[1]) <= budget)
                    {
                        assertTrue(DirectMemoryBudget.boundBytes(n, w, sizes[0], sizes[1]) <= budget, what);
                        assertTrue(n == DirectMemoryBudget.MAX_CONNECTIONS ||
                            DirectMemoryBudget.boundBytes(n + 1, w, sizes[0], sizes[1]) > budget, what);
                    }
                }
            }
        }
    }

    @Test
    void shouldBoundLeasedAndIdleBuffers()
    {
        // N leased plus at most a quarter of N idle, each buffer with its alignment slack
        final long bound = DirectMemoryBudget.boundBytes(1000, 2, KIB_32, 16 * 1024);
        assertEquals((1000 + 2 * 125) * (48L * 1024 + 128), bound);
    }

    @Test
    void shouldSizeTheConfigFromTheDirectMemoryAndRefuseALimitThatDoesNotFit()
    {
        final ProxyConfig derived = ProxyConfig.builder(SECRET).workers(2).maxDirectMemoryBytes(32 * MIB).build();
        assertEquals(359, derived.maxConnections());
        assertEquals(32 * MIB, derived.maxDirectMemoryBytes());

        final ProxyConfig given = ProxyConfig.builder(SECRET).workers(2).maxDirectMemoryBytes(32 * MIB)
            .maxConnections(100).build();
        assertEquals(100, given.maxConnections());

        final IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
            () -> ProxyConfig.builder(SECRET).workers(2).maxDirectMemoryBytes(32 * MIB).maxConnections(360).build());
        assertTrue(tooMany.getMessage().startsWith("bad --max-connections 360: "), tooMany.getMessage());
        assertTrue(tooMany.getMessage().contains("-XX:MaxDirectMemorySize"), tooMany.getMessage());

        final IllegalArgumentException tiny = assertThrows(IllegalArgumentException.class,
            () -> ProxyConfig.builder(SECRET).workers(64).maxDirectMemoryBytes(MIB).build());
        assertTrue(tiny.getMessage().startsWith("the default --max-connections 1: "), tiny.getMessage());

        for (final int bad : new int[] {-1, DirectMemoryBudget.MAX_CONNECTIONS + 1})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ProxyConfig.builder(SECRET).maxConnections(bad).build());
            assertTrue(ex.getMessage().startsWith("bad --max-connections " + bad), ex.getMessage());
        }
    }

    @Test
    void shouldCountTheMiddleProxyConnectionsWithAnAdTag()
    {
        // each middle-proxy connection: two buffers of the largest packet plus 64 KiB, each with its alignment slack
        assertEquals(2L * ((1 << 20) + (64 << 10) + 64), DirectMemoryBudget.perMiddleConnectionBytes());
        assertEquals(3 + 2 * 2, DirectMemoryBudget.maxMiddleConnections(150, 2, 50), "full ones plus 2 per reactor");
        assertEquals(1 + 2, DirectMemoryBudget.maxMiddleConnections(1, 1, 50));
        final long relayBound = DirectMemoryBudget.boundBytes(150, 2, KIB_32, KIB_32);
        assertEquals(relayBound + 7 * DirectMemoryBudget.perMiddleConnectionBytes(),
            DirectMemoryBudget.boundBytes(150, 2, KIB_32, KIB_32, 50));
        // the image's profile with an ad tag: the README's figures
        assertEquals(150, DirectMemoryBudget.defaultMaxConnections(32 * MIB, 2, KIB_32, KIB_32, 50));
        for (final long maxDirect : new long[] {32 * MIB, 100 * MIB, 1L << 30})
        {
            for (final int multiplex : new int[] {1, 50, 10_000})
            {
                final int n = DirectMemoryBudget.defaultMaxConnections(maxDirect, 2, KIB_32, KIB_32, multiplex);
                final long budget = DirectMemoryBudget.budgetBytes(maxDirect);
                final String what = maxDirect + " bytes, multiplex " + multiplex;
                assertTrue(DirectMemoryBudget.boundBytes(n, 2, KIB_32, KIB_32, multiplex) <= budget, what);
                assertTrue(DirectMemoryBudget.boundBytes(n + 1, 2, KIB_32, KIB_32, multiplex) > budget, what);
            }
        }

        final byte[] adTag = new byte[16];
        final ProxyConfig derived =
            ProxyConfig.builder(SECRET).adTag(adTag).workers(2).maxDirectMemoryBytes(32 * MIB).build();
        assertEquals(150, derived.maxConnections());
        assertEquals(7, derived.maxMiddleConnections());
        assertEquals(0, ProxyConfig.builder(SECRET).workers(2).maxDirectMemoryBytes(32 * MIB).build()
            .maxMiddleConnections(), "direct mode has none");
        final IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> ProxyConfig
            .builder(SECRET).adTag(adTag).workers(2).maxDirectMemoryBytes(32 * MIB).maxConnections(200).build());
        assertTrue(tooMany.getMessage().startsWith("bad --max-connections 200: "), tooMany.getMessage());
        assertTrue(tooMany.getMessage().contains("up to 8 middle-proxy connections of 2.1 MiB each"),
            tooMany.getMessage());
    }

    @Test
    void shouldCheckTheShutdownTimeout()
    {
        assertEquals(ProxyConfig.DEFAULT_SHUTDOWN_TIMEOUT_MS, ProxyConfig.builder(SECRET).build().shutdownTimeoutMs());
        assertEquals(0, ProxyConfig.builder(SECRET).shutdownTimeoutMs(0).build().shutdownTimeoutMs());
        assertThrows(IllegalArgumentException.class, () -> ProxyConfig.builder(SECRET).shutdownTimeoutMs(-1).build());
        assertThrows(IllegalArgumentException.class,
            () -> ProxyConfig.builder(SECRET).shutdownTimeoutMs(ProxyConfig.MAX_SHUTDOWN_TIMEOUT_MS + 1).build());
    }

    @Test
    void shouldReadThisJvmsLimit()
    {
        // Surefire runs with the jdk.internal.misc export and no -XX:MaxDirectMemorySize: the limit is the heap's
        assertEquals(Runtime.getRuntime().maxMemory(), DirectMemoryBudget.maxDirectMemoryBytes());
    }
}
