package io.mtgj.stats;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The IP family of a client, a bounded label value (never the address itself).
 */
public enum IpFamily
{
    /** An IPv4 client (IPv4-mapped IPv6 addresses included: the JDK reports them as IPv4). */
    IPV4("ipv4"),
    /** An IPv6 client. */
    IPV6("ipv6");

    private final String label;

    IpFamily(final String label)
    {
        this.label = label;
    }

    /**
     * @return the label value.
     */
    public String label()
    {
        return label;
    }

    /**
     * @param address an address, or null when unknown.
     * @return its family; IPv4 when unknown.
     */
    public static IpFamily of(final InetAddress address)
    {
        return address instanceof Inet6Address ? IPV6 : IPV4;
    }
}
