package io.mtgj.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * How client addresses appear in logs ({@code --log-client-ip}). The people behind a proxy may be in danger if a
 * server and its logs are seized, so by default an address is cut to its network: enough to tell a flood from one
 * network, not enough to name a household.
 */
public enum ClientIpLogging
{
    /** The whole address and port. */
    FULL("full"),
    /** IPv4 to its /24, IPv6 to its /48, with the port. */
    TRUNCATE("truncate"),
    /** No address at all. */
    NONE("none");

    private static final int IPV4_KEPT_BYTES = 3;
    private static final int IPV6_KEPT_BYTES = 6;

    private final String cliName;

    ClientIpLogging(final String cliName)
    {
        this.cliName = cliName;
    }

    /**
     * @return the name on the command line.
     */
    public String cliName()
    {
        return cliName;
    }

    /**
     * @param name full, truncate or none.
     * @return the setting.
     * @throws IllegalArgumentException naming the value when it is none of them.
     */
    public static ClientIpLogging fromCliName(final String name)
    {
        for (final ClientIpLogging value : values())
        {
            if (value.cliName.equals(name))
            {
                return value;
            }
        }
        throw new IllegalArgumentException("bad --log-client-ip '" + name + "': expected full, truncate or none");
    }

    /**
     * @param client a client's address and port.
     * @return how it is logged: {@code 203.0.113.7:51234}, {@code 203.0.113.0/24:51234},
     *         {@code [2001:db8:1:0:0:0:0:0/48]:51234} or {@code -}.
     */
    public String format(final InetSocketAddress client)
    {
        if (NONE == this || null == client)
        {
            return "-";
        }
        final InetAddress address = client.getAddress();
        if (null == address)
        {
            return FULL == this ? client.getHostString() + ":" + client.getPort() : "-";
        }
        final boolean v4 = address instanceof Inet4Address;
        final String ip;
        if (FULL == this)
        {
            ip = address.getHostAddress();
        }
        else
        {
            final byte[] bytes = address.getAddress();
            final int kept = v4 ? IPV4_KEPT_BYTES : IPV6_KEPT_BYTES;
            for (int i = kept; i < bytes.length; i++)
            {
                bytes[i] = 0;
            }
            try
            {
                ip = InetAddress.getByAddress(bytes).getHostAddress() + "/" + kept * Byte.SIZE;
            }
            catch (final java.net.UnknownHostException ex)
            {
                throw new IllegalStateException("an address of 4 or 16 bytes was refused", ex);
            }
        }
        return (v4 ? ip : "[" + ip + "]") + ":" + client.getPort();
    }
}
