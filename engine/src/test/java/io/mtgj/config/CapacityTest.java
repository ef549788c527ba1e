package io.mtgj.config;

import io.mtgj.secret.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class CapacityTest
{
    private static final long MIB = 1L << 20;
    private static final int KIB_32 = 32 * 1024;
    private static final long BIG_HEAP = 1L << 40;
    private static final Secret SECRET = Secret.parse("00112233445566778899aabbccddeeff");

    private static Capacity direct(final int maxConnections, final long openFiles)
    {
        return new Capacity(KIB_32, KIB_32, 0, maxConnections, 60_000, 32 * MIB, openFiles, 2, false, false, 50,
            BIG_HEAP, 8 * MIB);
    }

    @Test
    void shouldDeriveTheConnectionLimitFromTheOpenFileLimitTwoPerDirectClient()
    {
        final Capacity capacity = direct(0, 20_000);
        assertEquals((20_000 - Capacity.reservedDescriptors(2)) / 2, capacity.maxConnections());
        assertEquals("open-file limit 20000, 2 per client", capacity.maxConnectionsReason());
        assertEquals(9_964, direct(0, 20_000).maxConnections(), "the figure the README quotes for 20,000 files");
        assertEquals((65_536 - 72) / 2, direct(0, 65_536).maxConnections());
    }

    @Test
    void shouldCountOneDescriptorPerClientAndAShareOfAMiddleProxyConnectionWithAnAdTag()
    {
        final Capacity adTag = new Capacity(KIB_32, KIB_32, 0, 0, 60_000, 32 * MIB, 20_000, 2, true, false, 50,
            BIG_HEAP, 8 * MIB);
        final int n = adTag.maxConnections();
        assertTrue(n + (n + 49) / 50 <= 20_000 - Capacity.reservedDescriptors(2, true), "fits: " + n);
        assertTrue(n + 1 + (n + 50) / 50 > 20_000 - Capacity.reservedDescriptors(2, true) - 2, "and is the most: " + n);
        assertEquals(Capacity.reservedDescriptors(2) + 48, Capacity.reservedDescriptors(2, true), "the pools' floors");
        final Capacity adTagTls = new Capacity(KIB_32, KIB_32, 0, 0, 60_000, 32 * MIB, 20_000, 2, true, true, 50,
            BIG_HEAP, 8 * MIB);
        assertTrue(adTagTls.maxConnections() < 10_000, "a tls proxy may cloak any client: two each");
    }

    @Test
    void shouldRefuseAnExplicitLimitAboveWhatTheDescriptorsAllow()
    {
        assertEquals(9_964, direct(9_964, 20_000).maxConnections());
        assertEquals("--max-connections", direct(9_964, 20_000).maxConnectionsReason());
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> direct(9_965, 20_000));
        assertTrue(ex.getMessage().startsWith("bad --max-connections 9965: that many clients need up to 20002 open " +
            "files (2 per client and 72 for the proxy) but the open-file limit is 20000 (ulimit -n)"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> direct(Capacity.MAX_CONNECTIONS + 1, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> direct(0, 50), "no room left for a client");
    }

    @Test
    void shouldFallBackWhenTheLimitIsUnknownAndCapWhenUnlimited()
    {
        assertEquals(Capacity.FALLBACK_MAX_CONNECTIONS, direct(0, Capacity.UNKNOWN_LIMIT).maxConnections());
        assertEquals(100_000, direct(100_000, Capacity.UNKNOWN_LIMIT).maxConnections(), "nothing to check against");
        assertEquals(Capacity.MAX_CONNECTIONS, direct(0, Long.MAX_VALUE).maxConnections());
        assertTrue(direct(0, Long.MAX_VALUE).maxConnectionsReason().contains("unlimited"));
    }

    @Test
    void shouldHoldTheDefaultToWhatTheHeapCarries()
    {
        // A 64 MiB heap with an 8 MiB anti-replay cache: (64 - 8 - 8) MiB at 4 KiB a connection
        final Capacity capacity = new Capacity(KIB_32, KIB_32, 0, 0, 60_000, 32 * MIB, 1 << 20, 2, false, false, 50,
            64 * MIB, 8 * MIB);
        assertEquals((int)(48 * MIB / Capacity.HEAP_BYTES_PER_CONNECTION), capacity.maxConnections());
        assertTrue(capacity.maxConnectionsReason().startsWith("heap: 48MB for connections at 4KB each (open-file " +
            "limit 1048576"), capacity.maxConnectionsReason());
    }

    @Test
    void shouldSizeTheArenaFromDirectMemoryAndRefuseWhatDoesNotFit()
    {
        final Capacity capacity = direct(0, 20_000);
        assertEquals(28 * MIB, capacity.bufferMemoryBytes(), "7/8 of 32 MiB");
        assertEquals("7/8 of max direct memory 32MB", capacity.bufferMemoryReason());
        final Capacity given = new Capacity(KIB_32, KIB_32, 16 * MIB, 0, 60_000, 32 * MIB, 20_000, 2, false, false,
            50, BIG_HEAP, 0);
        assertEquals(16 * MIB, given.bufferMemoryBytes());
        assertEquals("--buffer-memory", given.bufferMemoryReason());
        final IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> new Capacity(KIB_32,
            KIB_32, 29 * MIB, 0, 60_000, 32 * MIB, 20_000, 2, false, false, 50, BIG_HEAP, 0));
        assertTrue(tooBig.getMessage().contains("-XX:MaxDirectMemorySize"), tooBig.getMessage());
        final IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class, () -> new Capacity(
            KIB_32, KIB_32, 256 * 1024, 0, 60_000, 32 * MIB, 20_000, 2, false, false, 50, BIG_HEAP, 0));
        assertTrue(tooSmall.getMessage().startsWith("bad --buffer-memory 256KB: 2 workers need at least 512KB"),
            tooSmall.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Capacity(KIB_32, KIB_32, 0, 0, 0, 32 * MIB, 20_000, 2,
            false, false, 50, BIG_HEAP, 0), "a stall timeout of 0");
        assertThrows(IllegalArgumentException.class, () -> new Capacity(100, KIB_32, 0, 0, 60_000, 32 * MIB, 20_000,
            2, false, false, 50, BIG_HEAP, 0), "a buffer below 1 KB");
    }

    @Test
    void shouldReadTheSoftOpenFileLimit()
    {
        assertEquals(20_000, Capacity.parseOpenFileLimit(List.of(
            "Limit                     Soft Limit           Hard Limit           Units     ",
            "Max processes             95418                95418                processes ",
            "Max open files            20000                524288               files     ")));
        assertEquals(Long.MAX_VALUE, Capacity.parseOpenFileLimit(List.of(
            "Max open files            unlimited            unlimited            files     ")));
        assertEquals(Capacity.UNKNOWN_LIMIT, Capacity.parseOpenFileLimit(List.of("Max processes 1 1 processes")));
        assertEquals(Capacity.UNKNOWN_LIMIT, Capacity.parseOpenFileLimit(List.of("Max open files   lots  lots")));
        final long mine = Capacity.readOpenFileLimit();
        assertTrue(Capacity.UNKNOWN_LIMIT == mine || mine > 0, "this process's: " + mine);
    }

    @Test
    void shouldBeWhatProxyConfigUses()
    {
        final ProxyConfig config = ProxyConfig.builder(SECRET).workers(2).maxDirectMemoryBytes(32 * MIB)
            .openFileLimit(20_000).build();
        assertTrue(config.capacity().maxConnections() <= 9_964);
        assertEquals(28 * MIB, config.capacity().bufferMemoryBytes());
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
            ProxyConfig.builder(SECRET).workers(2).openFileLimit(1_000).maxConnections(1_000).build());
        assertTrue(ex.getMessage().startsWith("bad --max-connections 1000"), ex.getMessage());
    }
}
