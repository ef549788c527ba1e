package io.mtgj.diagnose;

import io.mtgj.config.PreferIp;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One Telegram DC in direct mode: its addresses dialed in the order the proxy dials them ({@code --prefer-ip},
 * protocol.md 3.3), until one connects. OK when the first connects; WARN when only a later one does, since every
 * client then waits for the first to fail; FAIL when none does, since that DC's clients cannot be served.
 */
public final class DcReachability implements Check
{
    /** A connect slower than this is worth a warning: every client pays it before its first byte. */
    static final long SLOW_CONNECT_MS = 1_000;

    private final int dc;
    private final List<InetSocketAddress> addresses;
    private final int timeoutMs;

    /**
     * @param dc        the DC number.
     * @param addresses its addresses in dialing order.
     * @param timeoutMs time allowed for each connect ({@code --dial-timeout}).
     */
    public DcReachability(final int dc, final List<InetSocketAddress> addresses, final int timeoutMs)
    {
        this.dc = dc;
        this.addresses = List.copyOf(addresses);
        this.timeoutMs = timeoutMs;
    }

    @Override
    public String name()
    {
        return "dc " + dc;
    }

    @Override
    public List<Finding> run()
    {
        if (addresses.isEmpty())
        {
            return List.of(Finding.fail(name(), "no address left by --prefer-ip",
                "allow the other IP family (--prefer-ip ipv4 or ipv6) or give one with --dc-address " + dc +
                "=HOST:PORT"));
        }
        final List<Dial> failed = new ArrayList<>();
        for (final InetSocketAddress address : addresses)
        {
            final Dial dial = Dial.to(address, timeoutMs);
            if (!dial.isConnected())
            {
                failed.add(dial);
                continue;
            }
            final String found = failed.isEmpty() ? "connected to " + dial :
                failed + " then connected to " + dial;
            if (!failed.isEmpty())
            {
                final String family = address.getAddress() instanceof Inet6Address ? PreferIp.IPV6.cliName() :
                    PreferIp.IPV4.cliName();
                return List.of(Finding.warn(name(), found, "every client waits for the first address to fail: " +
                    "pass --prefer-ip " + family + " (or fix the route to the other family)"));
            }
            if (dial.connectMs() > SLOW_CONNECT_MS)
            {
                return List.of(Finding.warn(name(), found, "slow: clients of this DC wait that long before their " +
                    "first byte; check the route to Telegram"));
            }
            return List.of(Finding.ok(name(), found));
        }
        return List.of(Finding.fail(name(), "unreachable: " + failed, "clients of this DC cannot connect: open the " +
            "firewall to Telegram (TCP 443 out), fix the route, or reach it through --socks5"));
    }
}
