package io.mtgj.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --socks5}, repeatable: the SOCKS5 servers every connection to Telegram (DCs and middle proxies) goes
 * through, spread across them; none means Telegram is dialed directly.
 *
 * @param servers the servers in the order given, each once.
 */
public record Socks5Upstreams(List<Socks5Server> servers)
{
    /** No SOCKS5 server: Telegram is dialed directly. */
    public static final Socks5Upstreams NONE = new Socks5Upstreams(List.of());

    /**
     * @param servers the servers.
     */
    public Socks5Upstreams
    {
        servers = List.copyOf(servers);
    }

    /**
     * @param urls {@code socks5://[user:pass@]host:port} each.
     * @return the servers.
     * @throws IllegalArgumentException naming the bad or repeated value (never its login).
     */
    public static Socks5Upstreams parse(final List<String> urls)
    {
        final List<Socks5Server> servers = new ArrayList<>(urls.size());
        final Set<HostPort> seen = new HashSet<>();
        for (final String url : urls)
        {
            final Socks5Server server = Socks5Server.parse(url);
            if (!seen.add(server.address()))
            {
                throw new IllegalArgumentException("--socks5 " + server + " is given twice");
            }
            servers.add(server);
        }
        return new Socks5Upstreams(servers);
    }

    /**
     * @return whether any server is configured.
     */
    public boolean isEnabled()
    {
        return !servers.isEmpty();
    }
}
