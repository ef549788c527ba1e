package io.mtgj.middle;

import io.mtgj.config.HostPort;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Telegram's list of middle proxies ("proxy-multi.conf", protocol.md 7.1): {@code proxy_for <dc> <host:port>;} lines,
 * several per DC, and {@code default <dc>;}. Immutable.
 */
public final class MiddleProxyList
{
    private final Map<Integer, List<InetSocketAddress>> byDc;
    private final int defaultDc;

    private MiddleProxyList(final Map<Integer, List<InetSocketAddress>> byDc, final int defaultDc)
    {
        this.byDc = byDc;
        this.defaultDc = defaultDc;
    }

    /**
     * @param text the file's text.
     * @return the list.
     * @throws IllegalArgumentException naming the first bad line, or when no proxy is listed.
     */
    public static MiddleProxyList parse(final String text)
    {
        final Map<Integer, List<InetSocketAddress>> byDc = new HashMap<>();
        int defaultDc = 0;
        for (final String raw : text.split("\n"))
        {
            final String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final String statement = line.endsWith(";") ? line.substring(0, line.length() - 1).trim() : line;
            final String[] parts = statement.split("\\s+");
            try
            {
                if ("proxy_for".equals(parts[0]) && 3 == parts.length)
                {
                    final int dc = Short.parseShort(parts[1]);
                    byDc.computeIfAbsent(dc, k -> new ArrayList<>()).add(literal(HostPort.parse(parts[2], false)));
                }
                else if ("default".equals(parts[0]) && 2 == parts.length)
                {
                    defaultDc = Short.parseShort(parts[1]);
                }
                // Other statements (timeout, min_connections, ...) are the official proxy's own tuning.
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("bad middle-proxy config line '" + line + "': " + ex.getMessage());
            }
        }
        if (byDc.isEmpty())
        {
            throw new IllegalArgumentException("the middle-proxy config lists no proxy");
        }
        final Map<Integer, List<InetSocketAddress>> frozen = new HashMap<>();
        byDc.forEach((dc, list) -> frozen.put(dc, List.copyOf(list)));
        return new MiddleProxyList(Collections.unmodifiableMap(frozen), defaultDc);
    }

    private static InetSocketAddress literal(final HostPort hostPort)
    {
        try
        {
            // Telegram lists IP literals; a name here would mean DNS on the reactor later, so resolve it now.
            return new InetSocketAddress(InetAddress.getByName(hostPort.host()), hostPort.port());
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("cannot resolve " + hostPort.host());
        }
    }

    /**
     * @param dcIndex the client's signed DC index (0 means DC 1 as mtg v1; unknown ones the default cluster).
     * @return the candidates, possibly empty.
     */
    public List<InetSocketAddress> candidates(final short dcIndex)
    {
        final List<InetSocketAddress> list = byDc.get(cluster(dcIndex));
        return null == list ? List.of() : list;
    }

    /**
     * @param dcIndex the client's signed DC index.
     * @return the DC whose middle proxies serve it: itself when listed (0 means 1), else the default cluster.
     */
    public int cluster(final short dcIndex)
    {
        final int dc = 0 == dcIndex ? 1 : dcIndex;
        return byDc.containsKey(dc) ? dc : defaultDc;
    }

    /**
     * @return the DCs listed, in ascending order.
     */
    public List<Integer> dcs()
    {
        final List<Integer> dcs = new ArrayList<>(byDc.keySet());
        Collections.sort(dcs);
        return dcs;
    }

    /**
     * @return DCs listed.
     */
    public int size()
    {
        return byDc.size();
    }
}
