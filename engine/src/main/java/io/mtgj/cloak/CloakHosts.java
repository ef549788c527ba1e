package io.mtgj.cloak;

import io.mtgj.config.HostPort;
import io.mtgj.net.Upstream;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The cloak hosts of a proxy whose FakeTLS secrets name several hostnames (named users): a stranger whose hello names
 * one of them is fronted to that host, so each looks like its own website. Only hosts some secret names are ever
 * dialed: the proxy never becomes a relay to a host a stranger picks. Resolved off the reactors, like
 * {@link CloakUpstream}.
 */
public final class CloakHosts
{
    private final int port;
    private volatile Map<String, CloakUpstream> byHost = Map.of();

    /**
     * @param port the port of every cloak host ({@code --cloak-port}).
     */
    public CloakHosts(final int port)
    {
        this.port = port;
    }

    /**
     * Keep exactly these hosts, resolving the new ones now; blocks on DNS, so never call it on a reactor.
     *
     * @param hosts the FakeTLS secrets' hostnames.
     */
    public synchronized void keep(final Collection<String> hosts)
    {
        final Map<String, CloakUpstream> next = new HashMap<>();
        for (final String host : hosts)
        {
            CloakUpstream upstream = byHost.get(host);
            if (null == upstream)
            {
                upstream = new CloakUpstream(new HostPort(host, port));
                upstream.refresh();
            }
            next.put(host, upstream);
        }
        byHost = Map.copyOf(next);
    }

    /**
     * Resolve every host again, keeping the last good address of one that fails.
     */
    public void refresh()
    {
        for (final CloakUpstream upstream : byHost.values())
        {
            upstream.refresh();
        }
    }

    /**
     * @return where to front strangers, by the hostname their hello names.
     */
    public Map<String, Upstream> upstreams()
    {
        return Map.copyOf(byHost);
    }
}
