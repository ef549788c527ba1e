package io.mtgj.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(5)
class StatsConfigTest
{
    @Test
    void shouldBeOffByDefault()
    {
        final StatsConfig config = StatsConfig.builder().build();

        assertFalse(config.hasEndpoint());
        assertFalse(config.hasStatsd());
        assertEquals("mtg", config.namespace());
        assertEquals("mtg", config.statsdPrefix());
        assertEquals(StatsdTagsFormat.NONE, config.statsdTagsFormat());
        assertEquals(10_000, config.statsdIntervalMs());
        assertEquals(config, StatsConfig.DISABLED);
        assertEquals(StatsConfig.DISABLED, ProxyConfig.builder(io.mtgj.secret.Secret.parse(
            "00112233445566778899aabbccddeeff")).build().stats());
    }

    @Test
    void shouldKeepEverySetting() throws Exception
    {
        final InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        final StatsConfig config = StatsConfig.builder().bind(bind).namespace("proxy_1").statsdHost("[::1]")
            .statsdPort(9125).statsdPrefix("a.b-c").statsdTagsFormat(StatsdTagsFormat.DATADOG)
            .statsdTag("zone", "eu-1").statsdTag("app", "mtg/jvm").statsdIntervalMs(250).build();

        assertTrue(config.hasEndpoint());
        assertTrue(config.hasStatsd());
        assertEquals(bind, config.bind());
        assertEquals(new HostPort("::1", 9125), config.statsd());
        assertEquals(List.of("zone", "app"), List.copyOf(config.statsdTags().keySet()), "in the order given");
        assertEquals("mtg/jvm", config.statsdTags().get("app"));
        assertEquals(250, config.statsdIntervalMs());
        assertThrows(UnsupportedOperationException.class, () -> config.statsdTags().put("x", "y"));
    }

    @Test
    void shouldAcceptHostsAndAddresses()
    {
        for (final String host : new String[] {"localhost", "statsd.example.com", "10.0.0.7", "::1", "[2001:db8::1]",
            "fe80::1%eth0", "a-b.c1"})
        {
            StatsConfig.checkStatsdHost(host);
        }
    }

    @Test
    void shouldRejectBadValuesNamingThem()
    {
        final Map<String, Runnable> bad = Map.ofEntries(
            Map.entry("bad host!", () -> StatsConfig.checkStatsdHost("bad host!")),
            Map.entry("statsd:8125", () -> StatsConfig.checkStatsdHost("statsd:8125")),
            Map.entry("-lead.example", () -> StatsConfig.checkStatsdHost("-lead.example")),
            Map.entry("a..b", () -> StatsConfig.checkStatsdHost("a..b")),
            Map.entry("fe80::1%", () -> StatsConfig.checkStatsdHost("fe80::1%")),
            Map.entry("1mtg", () -> StatsConfig.checkNamespace("1mtg")),
            Map.entry("mtg-proxy", () -> StatsConfig.checkNamespace("mtg-proxy")),
            Map.entry("mtg:x", () -> StatsConfig.checkStatsdPrefix("mtg:x")),
            Map.entry(".mtg", () -> StatsConfig.checkStatsdPrefix(".mtg")),
            Map.entry("mtg|g", () -> StatsConfig.checkStatsdPrefix("mtg|g")),
            Map.entry("region", () -> StatsConfig.parseTag("region")),
            Map.entry("=eu", () -> StatsConfig.parseTag("=eu")),
            Map.entry("region=", () -> StatsConfig.parseTag("region=")),
            Map.entry("region=eu,west", () -> StatsConfig.parseTag("region=eu,west")),
            Map.entry("a b=c", () -> StatsConfig.parseTag("a b=c")),
            Map.entry("k=v:w", () -> StatsConfig.parseTag("k=v:w")),
            Map.entry("xml", () -> StatsdTagsFormat.fromCliName("xml")),
            Map.entry("--statsd-port 0", () -> StatsConfig.builder().statsdHost("localhost").statsdPort(0).build()),
            Map.entry("--statsd-interval 0ms", () -> StatsConfig.builder().statsdIntervalMs(0).build()),
            Map.entry("'zone' given twice", () -> StatsConfig.builder().statsdTag("zone", "a").statsdTag("zone", "b")));
        for (final Map.Entry<String, Runnable> entry : bad.entrySet())
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, entry.getValue()::run, entry.getKey());
            assertTrue(ex.getMessage().contains(entry.getKey()), ex.getMessage());
        }
    }

    @Test
    void shouldParseTags()
    {
        assertEquals(Map.entry("env", "prod"), StatsConfig.parseTag("env=prod"));
        assertEquals(Map.entry("a.b_c-d", "x/y"), StatsConfig.parseTag("a.b_c-d=x/y"));
        assertEquals(StatsdTagsFormat.INFLUXDB, StatsdTagsFormat.fromCliName("influxdb"));
        assertEquals("", StatsConfig.checkNamespace(""), "empty: no namespace");
    }
}
