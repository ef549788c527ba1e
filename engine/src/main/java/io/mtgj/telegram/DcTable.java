package io.mtgj.telegram;

import io.mtgj.config.PreferIp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where each Telegram DC is dialed in direct mode: the built-in production table (protocol.md 3.3) with
 * {@code --dc-address} overrides, ordered by {@code --prefer-ip}. Built once at start; lookups do not allocate.
 */
public final class DcTable
{
    /** The DC used for index 0 and unknown indexes (protocol.md 3.3 "Use"). */
    public static final int DEFAULT_DC = 2;

    private static final int TELEGRAM_PORT = 443;
    private static final String[][] PRODUCTION =
    {
        // dc, IPv4, IPv6
        { "1", "149.154.175.50", "2001:b28:f23d:f001::a" },
        { "2", "149.154.167.51", "2001:67c:04e8:f002::a" },
        { "3", "149.154.175.100", "2001:b28:f23d:f003::a" },
        { "4", "149.154.167.91", "2001:67c:04e8:f004::a" },
        { "5", "149.154.171.5", "2001:b28:f23f:f005::a" },
        { "203", "91.105.192.100", "2a0a:f280:0203:000a:5000:0000:0000:0100" },
    };

    private final Map<Integer, List<InetSocketAddress>> byDc;

    private DcTable(final Map<Integer, List<InetSocketAddress>> byDc)
    {
        this.byDc = byDc;
    }

    /**
     * @param preferIp  family policy; an override is kept whatever its family, in the order given.
     * @param overrides DC number to addresses replacing the built-in ones.
     * @return the table.
     */
    public static DcTable create(final PreferIp preferIp, final Map<Integer, List<InetSocketAddress>> overrides)
    {
        final Map<Integer, List<InetSocketAddress>> byDc = new TreeMap<>();
        for (final String[] row : PRODUCTION)
        {
            final InetSocketAddress v4 = literal(row[1]);
            final InetSocketAddress v6 = literal(row[2]);
            final List<InetSocketAddress> list = new ArrayList<>(2);
            if (preferIp.ipv6First())
            {
                addIf(list, v6, preferIp.allowsIpv6());
                addIf(list, v4, preferIp.allowsIpv4());
            }
            else
            {
                addIf(list, v4, preferIp.allowsIpv4());
                addIf(list, v6, preferIp.allowsIpv6());
            }
            byDc.put(Integer.parseInt(row[0]), Collections.unmodifiableList(list));
        }
        overrides.forEach((dc, list) -> byDc.put(dc, List.copyOf(list)));
        return new DcTable(Collections.unmodifiableMap(byDc));
    }

    private static void addIf(final List<InetSocketAddress> list, final InetSocketAddress address, final boolean add)
    {
        if (add)
        {
            list.add(address);
        }
    }

    private static InetSocketAddress literal(final String ip)
    {
        try
        {
            return new InetSocketAddress(InetAddress.getByName(ip), TELEGRAM_PORT);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException("bad built-in address " + ip, ex);
        }
    }

    /**
     * Map the signed index from a client's frame to the DC to dial: {@code abs(n)}, with 0 and unknown DCs going to
     * {@link #DEFAULT_DC}.
     *
     * @param dcIndex signed index from the frame.
     * @return a DC number present in this table.
     */
    public int resolve(final short dcIndex)
    {
        final int dc = Math.abs((int)dcIndex);
        return byDc.containsKey(dc) ? dc : DEFAULT_DC;
    }

    /**
     * @return every DC number in the table, ascending: the built-in ones and those {@code --dc-address} added.
     */
    public Set<Integer> dcs()
    {
        return byDc.keySet();
    }

    /**
     * @param dc a DC number from {@link #resolve(short)}.
     * @return the addresses to try in order; may be empty when the family policy excludes them all.
     */
    public List<InetSocketAddress> addresses(final int dc)
    {
        final List<InetSocketAddress> list = byDc.get(dc);
        return null == list ? List.of() : list;
    }
}
