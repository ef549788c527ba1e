package io.mtgj.socks5;

import io.mtgj.config.Socks5Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

@Timeout(5)
class Socks5ChainTest
{
    private static Socks5Chain chain(final String... urls)
    {
        final Socks5Server[] servers = new Socks5Server[urls.length];
        for (int i = 0; i < urls.length; i++)
        {
            servers[i] = Socks5Server.parse(urls[i]);
        }
        final Socks5Chain chain = new Socks5Chain(List.of(servers));
        assertEquals(urls.length, chain.refresh());
        return chain;
    }

    @Test
    void shouldTakeServersInTurn()
    {
        final Socks5Chain chain = chain("socks5://127.0.0.1:1", "socks5://127.0.0.1:2", "socks5://127.0.0.1:3");
        final long nowNs = System.nanoTime();
        assertEquals("127.0.0.1:1", chain.pick(nowNs).name());
        assertEquals("127.0.0.1:2", chain.pick(nowNs).name());
        assertEquals("127.0.0.1:3", chain.pick(nowNs).name());
        assertEquals("127.0.0.1:1", chain.pick(nowNs).name());
    }

    @Test
    void shouldSkipAServerInBackOffAndGrowItsBackOff()
    {
        final Socks5Chain chain = chain("socks5://127.0.0.1:1", "socks5://127.0.0.1:2");
        final Socks5Relay dead = chain.relays().get(0);
        final long nowNs = System.nanoTime();
        dead.onFailure(Socks5Failure.UNREACHABLE, "socks5 127.0.0.1:1 cannot be reached", nowNs);
        for (int i = 0; i < 4; i++)
        {
            assertEquals("127.0.0.1:2", chain.pick(nowNs).name());
        }
        assertEquals(nowNs + Socks5Relay.FIRST_BACKOFF_NS, dead.backoffUntilNs());
        dead.onFailure(Socks5Failure.UNREACHABLE, "again", nowNs);
        assertEquals(nowNs + 2 * Socks5Relay.FIRST_BACKOFF_NS, dead.backoffUntilNs());
        for (int i = 0; i < 20; i++)
        {
            dead.onFailure(Socks5Failure.UNREACHABLE, "again", nowNs);
        }
        assertEquals(nowNs + Socks5Relay.MAX_BACKOFF_NS, dead.backoffUntilNs(), "capped");
        final long later = nowNs + Socks5Relay.MAX_BACKOFF_NS;
        assertSame(dead, pickUntil(chain, dead, later), "tried again once its back-off is over");
        assertEquals(false, dead.isUp());
        dead.onTunnel();
        assertEquals(true, dead.isUp());
        assertEquals(22, dead.failures(Socks5Failure.UNREACHABLE));
    }

    private static Socks5Relay pickUntil(final Socks5Chain chain, final Socks5Relay wanted, final long nowNs)
    {
        for (int i = 0; i < 2; i++)
        {
            final Socks5Relay picked = chain.pick(nowNs);
            if (picked == wanted)
            {
                return picked;
            }
        }
        return null;
    }

    @Test
    void shouldTryTheServerWhoseBackOffEndsFirstWhenAllBackOff()
    {
        final Socks5Chain chain = chain("socks5://127.0.0.1:1", "socks5://127.0.0.1:2", "socks5://127.0.0.1:3");
        final long nowNs = System.nanoTime();
        chain.relays().get(0).onFailure(Socks5Failure.TIMEOUT, "t", nowNs + 3_000);
        chain.relays().get(1).onFailure(Socks5Failure.TIMEOUT, "t", nowNs + 1_000);
        chain.relays().get(2).onFailure(Socks5Failure.TIMEOUT, "t", nowNs + 2_000);
        for (int i = 0; i < 3; i++)
        {
            assertEquals("127.0.0.1:2", chain.pick(nowNs).name());
        }
        assertNotEquals(null, chain.open(new java.net.InetSocketAddress("127.0.0.1", 443), nowNs).relay());
    }
}
