package io.mtgj.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(5)
class Socks5ServerTest
{
    private static String error(final String text)
    {
        return assertThrows(IllegalArgumentException.class, () -> Socks5Server.parse(text)).getMessage();
    }

    @Test
    void shouldParseServersWithAndWithoutALogin()
    {
        final Socks5Server plain = Socks5Server.parse("socks5://proxy.example:1080");
        assertEquals(new HostPort("proxy.example", 1080), plain.address());
        assertFalse(plain.hasLogin());
        assertNull(plain.username());
        final Socks5Server v6 = Socks5Server.parse("SOCKS5://[::1]:1080/");
        assertEquals(new HostPort("::1", 1080), v6.address());
        assertEquals("[::1]:1080", v6.toString());
        final Socks5Server login = Socks5Server.parse("socks5://us%65r:p%40ss%3Aw%25rd:x@10.0.0.1:1080");
        assertTrue(login.hasLogin());
        assertArrayEquals("user".getBytes(StandardCharsets.UTF_8), login.username());
        assertArrayEquals("p@ss:w%rd:x".getBytes(StandardCharsets.UTF_8), login.password());
        assertEquals("10.0.0.1:1080", login.toString(), "never the login");
    }

    @Test
    void shouldSayWhatIsWrongWithoutRepeatingTheLogin()
    {
        assertTrue(error("http://proxy:1080").contains("scheme 'http'"), error("http://proxy:1080"));
        assertTrue(error("socks4://proxy:1080").contains("expected socks5://"));
        assertTrue(error("proxy:1080").contains("expected socks5://"));
        assertTrue(error("socks5://proxy").contains("missing port"), error("socks5://proxy"));
        assertTrue(error("socks5://proxy:99999").contains("out of range"), error("socks5://proxy:99999"));
        assertTrue(error("socks5://proxy:0").contains("port 0"));
        assertTrue(error("socks5://proxy:1080/path").contains("no path"));
        assertTrue(error("socks5://secretuser@proxy:1080").contains("user:password"));
        final String badEscape = error("socks5://secretuser:p%zzsecret@proxy:1080");
        assertTrue(badEscape.contains("percent-encoding in the password"), badEscape);
        assertFalse(badEscape.contains("secret"), "the login stays out of the message: " + badEscape);
        assertTrue(error("socks5://:pw@proxy:1080").contains("username must be 1..255 bytes"));
        assertTrue(error("socks5://u:" + "x".repeat(256) + "@proxy:1080").contains("password must be 1..255"));
    }

    @Test
    void shouldRefuseTheSameServerTwice()
    {
        assertEquals(2, Socks5Upstreams.parse(List.of("socks5://a:1", "socks5://b:1")).servers().size());
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> Socks5Upstreams.parse(List.of("socks5://a:1", "socks5://u:p@a:1"))).getMessage().contains("twice"));
        assertFalse(Socks5Upstreams.NONE.isEnabled());
    }
}
