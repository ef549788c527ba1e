package io.mtgj.socks5;

import io.mtgj.config.Socks5Server;
import io.mtgj.net.Dialer;
import io.mtgj.net.Tunnel;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code --socks5}: every connection to Telegram goes through one of the configured SOCKS5 servers, taken in turn
 * (round robin over all reactors), skipping those in back-off; when every one is in back-off, the one whose back-off
 * ends first is tried rather than failing the client. Server names are resolved by {@link #refresh()}, off the
 * reactors; Telegram's addresses are passed to the servers as IP literals, so nothing else is resolved here.
 */
public final class Socks5Chain implements Dialer
{
    private final Socks5Relay[] relays;
    private final List<Socks5Relay> relayList;
    private static final System.Logger LOG = System.getLogger("io.mtgj.socks5");

    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean loginsInstalled;

    /**
     * @param servers the configured servers, at least one.
     */
    public Socks5Chain(final List<Socks5Server> servers)
    {
        if (servers.isEmpty())
        {
            throw new IllegalArgumentException("no SOCKS5 server");
        }
        final long nowNs = System.nanoTime();
        relays = new Socks5Relay[servers.size()];
        for (int i = 0; i < relays.length; i++)
        {
            relays[i] = new Socks5Relay(servers.get(i), nowNs);
        }
        relayList = Collections.unmodifiableList(new ArrayList<>(List.of(relays)));
    }

    /**
     * Resolve every server's name now; blocks on DNS, so at start-up or on the control thread only. A name that does
     * not resolve is warned about once and skipped until it does; one that did keeps its last address.
     *
     * @return servers with an address after the call.
     */
    public int refresh()
    {
        int resolved = 0;
        for (final Socks5Relay relay : relays)
        {
            if (relay.resolve())
            {
                resolved++;
            }
        }
        return resolved;
    }

    /**
     * For the JDK's HTTP clients (promoted-channel mode's configuration fetches): the next server, as a SOCKS proxy.
     * The JDK resolves the web host itself and sends the server its address; logins come from the default
     * authenticator, installed on first use unless the application set another.
     *
     * @return the proxy to open the connection through.
     */
    public java.net.Proxy httpProxy()
    {
        if (!loginsInstalled)
        {
            loginsInstalled = true;
            if (!Socks5Logins.install(relayList))
            {
                LOG.log(System.Logger.Level.WARNING, "another default authenticator is set: the HTTPS fetches " +
                    "through --socks5 servers with a login may fail");
            }
        }
        final Socks5Relay relay = pick(System.nanoTime());
        final InetSocketAddress address = relay.address();
        return new java.net.Proxy(java.net.Proxy.Type.SOCKS, null != address ? address :
            InetSocketAddress.createUnresolved(relay.server().address().host(), relay.server().address().port()));
    }

    /**
     * @return the servers, in the configured order, for the metrics.
     */
    public List<Socks5Relay> relays()
    {
        return relayList;
    }

    @Override
    public int relayCount()
    {
        return relays.length;
    }

    @Override
    public Tunnel open(final InetSocketAddress target, final long nowNs)
    {
        return new Socks5Tunnel(pick(nowNs), target);
    }

    /**
     * @return the next available server in turn; else the resolved one whose back-off ends first; else (nothing
     *         resolved) the next in turn, whose dial fails at once as unreachable.
     */
    Socks5Relay pick(final long nowNs)
    {
        final int count = relays.length;
        final int first = Math.floorMod(next.getAndIncrement(), count);
        Socks5Relay soonest = null;
        for (int i = 0; i < count; i++)
        {
            final Socks5Relay relay = relays[(first + i) % count];
            if (relay.isAvailable(nowNs))
            {
                return relay;
            }
            if (null != relay.address() &&
                (null == soonest || relay.backoffUntilNs() - soonest.backoffUntilNs() < 0))
            {
                soonest = relay;
            }
        }
        return null == soonest ? relays[first] : soonest;
    }
}
