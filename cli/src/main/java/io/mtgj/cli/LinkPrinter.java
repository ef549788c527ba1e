package io.mtgj.cli;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Proxy links (protocol.md 1.4): {@code tg://proxy?server=HOST&port=PORT&secret=SECRET} and the same query on
 * {@code https://t.me/proxy}. Pure formatting, no I/O.
 */
final class LinkPrinter
{
    private static final int IPV6_GROUPS = 8;

    private LinkPrinter()
    {
    }

    /**
     * @param servers   public addresses with the port clients connect to, in the order to print.
     * @param secretHex the secret as lower-case hex.
     * @return for each server its {@code tg://} link, then its {@code https://t.me} link.
     */
    static List<String> links(final List<InetSocketAddress> servers, final String secretHex)
    {
        final List<String> links = new ArrayList<>(2 * servers.size());
        for (final InetSocketAddress server : servers)
        {
            final String query = query(server.getAddress(), server.getPort(), secretHex);
            links.add("tg://proxy?" + query);
            links.add("https://t.me/proxy?" + query);
        }
        return links;
    }

    /**
     * @param server    public address.
     * @param port      port clients connect to.
     * @param secretHex the secret as hex (needs no escaping).
     * @return {@code server=...&port=...&secret=...}.
     */
    static String query(final InetAddress server, final int port, final String secretHex)
    {
        return "server=" + serverParameter(server) + "&port=" + port + "&secret=" + secretHex;
    }

    /**
     * @param address an address.
     * @return the {@code server} parameter: dotted IPv4, or RFC 5952 IPv6 with each ':' escaped as {@code %3A}
     * (as Go's url.Values does; no brackets).
     */
    static String serverParameter(final InetAddress address)
    {
        return address instanceof Inet6Address ? ipv6Text((Inet6Address)address).replace(":", "%3A") :
            address.getHostAddress();
    }

    /**
     * @param address an IPv6 address; its zone, if any, is dropped.
     * @return the RFC 5952 text: lower case, no leading zeros, the first longest run of two or more zero groups
     * written {@code ::}.
     */
    static String ipv6Text(final Inet6Address address)
    {
        final byte[] bytes = address.getAddress();
        final int[] groups = new int[IPV6_GROUPS];
        for (int i = 0; i < IPV6_GROUPS; i++)
        {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }

        int bestStart = -1;
        int bestLength = 1; // a single zero group is never shortened
        for (int i = 0; i < IPV6_GROUPS; i++)
        {
            int length = 0;
            while (i + length < IPV6_GROUPS && 0 == groups[i + length])
            {
                length++;
            }
            if (length > bestLength)
            {
                bestStart = i;
                bestLength = length;
            }
            i += length;
        }

        final StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < IPV6_GROUPS; i++)
        {
            if (i == bestStart)
            {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':')
            {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
