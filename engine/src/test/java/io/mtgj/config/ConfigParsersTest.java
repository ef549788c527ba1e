package io.mtgj.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(5)
class ConfigParsersTest
{
    @Test
    void shouldParseSizes()
    {
        assertEquals(32 * 1024, ByteSize.parse("32KB"));
        assertEquals(32 * 1024, ByteSize.parse("32kb"));
        assertEquals(1 << 20, ByteSize.parse("1MB"));
        assertEquals(1 << 20, ByteSize.parse("1MiB"));
        assertEquals(512, ByteSize.parse("512"));
        assertEquals(512, ByteSize.parse("512B"));
        assertEquals("32KB", ByteSize.format(32 * 1024));
        for (final String bad : new String[] {"", "KB", "12XB", "-1KB", "1.5MB", "99999999999999999KB", "999999999999GB"})
        {
            assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(bad), bad);
        }
    }

    @Test
    void shouldParseDurations()
    {
        assertEquals(500, Durations.parseMs("500ms"));
        assertEquals(10_000, Durations.parseMs("10s"));
        assertEquals(120_000, Durations.parseMs("2m"));
        assertEquals(3_600_000, Durations.parseMs("1h"));
        assertEquals("5m", Durations.format(300_000));
        for (final String bad : new String[] {"", "s", "10", "10x", "1.5s"})
        {
            assertThrows(IllegalArgumentException.class, () -> Durations.parseMs(bad), bad);
        }
    }

    @Test
    void shouldParseAddresses()
    {
        assertEquals(new HostPort("0.0.0.0", 3128), HostPort.parse("0.0.0.0:3128", false));
        assertEquals(new HostPort("::1", 443), HostPort.parse("[::1]:443", false));
        assertEquals(new HostPort("example.com", 80), HostPort.parse("example.com:80", false));
        assertEquals(new HostPort("1.2.3.4", -1), HostPort.parse("1.2.3.4", true));
        assertEquals(new HostPort("2001:db8::1", -1), HostPort.parse("2001:db8::1", true));
        assertFalse(HostPort.parse("1.2.3.4", true).hasPort());
        assertEquals("[::1]:443", new HostPort("::1", 443).toString());
        for (final String bad : new String[] {"1.2.3.4", ":80", "host:", "host:99999", "host:x", "[::1", "::1:80",
            "[::1]x"})
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad, false), bad);
            assertTrue(ex.getMessage().contains(bad), ex.getMessage());
        }
    }

    @Test
    void shouldParsePreferIp()
    {
        assertEquals(PreferIp.ONLY_IPV4, PreferIp.fromCliName("only-ipv4"));
        assertTrue(PreferIp.IPV6.ipv6First());
        assertFalse(PreferIp.ONLY_IPV4.allowsIpv6());
        assertThrows(IllegalArgumentException.class, () -> PreferIp.fromCliName("ipv5"));
    }

    @Test
    void shouldValidateTheConfiguration()
    {
        final io.mtgj.secret.Secret secret = io.mtgj.secret.Secret.parse("dd367a189aee18fa31c190054efd4a8e95");
        final ProxyConfig config = ProxyConfig.builder(secret).build();
        assertEquals(Capacity.DEFAULT_BUFFER_BYTES, config.capacity().readBufferBytes());
        assertEquals(3128, config.bind().getPort());
        assertEquals(PreferIp.IPV6, config.preferIp());
        assertThrows(IllegalArgumentException.class, () -> ProxyConfig.builder(secret).readBufferBytes(10).build());
        assertThrows(IllegalArgumentException.class, () -> ProxyConfig.builder(secret).workers(0).build());
        assertThrows(IllegalArgumentException.class, () -> ProxyConfig.builder(secret).dcAddress(0, null));
        assertThrows(IllegalArgumentException.class, () -> ProxyConfig.builder(secret).adTag(new byte[3]).build());
    }
}
