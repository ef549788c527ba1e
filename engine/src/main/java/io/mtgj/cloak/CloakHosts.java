package io.mtgj.cloak;

import io.mtgj.config.HostPort;
import io.mtgj.net.Upstream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The cloak hosts of a proxy whose FakeTLS secrets name several hostnames (named users): a stranger whose hello names
 * one of them is fronted to that host, so each looks like its own website. Only hosts some secret names are ever
 * dialed: the proxy never becomes a relay to a host a stranger picks. Names are resolved on a thread of their own, one
 * after another: thousands of them would hold up the start, or the control thread, for minutes. Until a host
 * resolves, strangers naming it meet the proxy's own cloak host.
 */
public final class CloakHosts implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.cloak");
    /** How many unresolved names a warning lists; the rest are counted. */
    private static final int NAMES_LISTED = 5;

    private final int port;
    private final ExecutorService resolver = Executors.newSingleThreadExecutor(task ->
    {
        final Thread thread = new Thread(task, "mtg-cloak-dns");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Map<String, CloakUpstream> byHost = Map.of();

    /**
     * @param port the port of every cloak host ({@code --cloak-port}).
     */
    public CloakHosts(final int port)
    {
        this.port = port;
    }

    /**
     * Keep exactly these hosts; new ones are resolved in the background.
     *
     * @param hosts the FakeTLS secrets' hostnames.
     */
    public synchronized void keep(final Collection<String> hosts)
    {
        final Map<String, CloakUpstream> next = new HashMap<>();
        final List<CloakUpstream> added = new ArrayList<>();
        for (final String host : hosts)
        {
            CloakUpstream upstream = byHost.get(host);
            if (null == upstream)
            {
                upstream = new CloakUpstream(new HostPort(host, port), true);
                added.add(upstream);
            }
            next.put(host, upstream);
        }
        byHost = Map.copyOf(next);
        if (!added.isEmpty())
        {
            resolver.execute(() -> resolve(added));
        }
    }

    /**
     * Resolve every host again in the background, keeping the last good address of one that fails.
     */
    public void refresh()
    {
        final List<CloakUpstream> all = new ArrayList<>(byHost.values());
        resolver.execute(() -> resolve(all));
    }

    /**
     * Resolve each host in turn and say in one line which did not resolve: with thousands of users' hosts, a DNS
     * outage would otherwise log a line a host.
     */
    private static void resolve(final List<CloakUpstream> upstreams)
    {
        final List<String> failed = new ArrayList<>();
        for (final CloakUpstream upstream : upstreams)
        {
            if (!upstream.refresh())
            {
                failed.add(upstream.target().host());
            }
        }
        if (!failed.isEmpty())
        {
            LOG.log(System.Logger.Level.WARNING, "cannot resolve {0} of {1} users'' cloak hosts ({2}{3}): strangers " +
                "naming one meet the proxy''s own cloak host until it resolves", failed.size(), upstreams.size(),
                String.join(", ", failed.subList(0, Math.min(NAMES_LISTED, failed.size()))),
                failed.size() > NAMES_LISTED ? ", ..." : "");
        }
    }

    /**
     * @return where to front strangers, by the hostname their hello names.
     */
    public Map<String, Upstream> upstreams()
    {
        return Map.copyOf(byHost);
    }

    /**
     * Stop resolving.
     */
    @Override
    public void close()
    {
        resolver.shutdownNow();
    }
}
