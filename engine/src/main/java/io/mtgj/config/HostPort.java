package io.mtgj.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A {@code host:port} pair as written on the command line; IPv6 literals in brackets ({@code [::1]:443}).
 *
 * @param host host name or literal, without brackets.
 * @param port port, or -1 where the text had none and none was required.
 */
public record HostPort(String host, int port)
{
    /**
     * @param text         {@code host:port}, {@code [v6]:port}, or, when {@code portOptional}, just a host.
     * @param portOptional whether a bare host is acceptable (port becomes -1).
     * @return the pair.
     * @throws IllegalArgumentException naming the text when it is malformed.
     */
    public static HostPort parse(final String text, final boolean portOptional)
    {
        final String s = text.trim();
        String host;
        String port = null;
        if (s.startsWith("["))
        {
            final int close = s.indexOf(']');
            if (close < 0)
            {
                throw new IllegalArgumentException("bad address '" + text + "': missing ']'");
            }
            host = s.substring(1, close);
            if (close + 1 < s.length())
            {
                if (s.charAt(close + 1) != ':')
                {
                    throw new IllegalArgumentException("bad address '" + text + "'");
                }
                port = s.substring(close + 2);
            }
        }
        else
        {
            final int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') == colon)
            {
                host = s.substring(0, colon);
                port = s.substring(colon + 1);
            }
            else if (colon >= 0 && portOptional)
            {
                host = s; // a bare IPv6 literal
            }
            else if (colon >= 0)
            {
                throw new IllegalArgumentException("bad address '" + text + "': write IPv6 as [addr]:port");
            }
            else
            {
                host = s;
            }
        }
        if (host.isEmpty())
        {
            throw new IllegalArgumentException("bad address '" + text + "': empty host");
        }
        if (null == port)
        {
            if (!portOptional)
            {
                throw new IllegalArgumentException("bad address '" + text + "': expected host:port");
            }
            return new HostPort(host, -1);
        }
        return new HostPort(host, parsePort(port, text));
    }

    private static int parsePort(final String port, final String text)
    {
        try
        {
            final int value = Integer.parseInt(port);
            if (value < 0 || value > 65535)
            {
                throw new IllegalArgumentException("bad port in '" + text + "': out of range 0..65535");
            }
            return value;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("bad port in '" + text + "'");
        }
    }

    /**
     * @return whether a port was given.
     */
    public boolean hasPort()
    {
        return port >= 0;
    }

    /**
     * Resolve now. This may query DNS and block: call it at start-up or on the control thread, never on a reactor.
     *
     * @return a resolved socket address.
     * @throws IllegalArgumentException naming the host when it does not resolve.
     */
    public InetSocketAddress resolve()
    {
        try
        {
            return new InetSocketAddress(InetAddress.getByName(host), Math.max(port, 0));
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("cannot resolve host '" + host + "'");
        }
    }

    /**
     * @param address a resolved address.
     * @return it as {@code host:port}, the host as its literal, IPv6 in brackets ({@code [::1]:443}).
     */
    public static String text(final InetSocketAddress address)
    {
        return new HostPort(address.getAddress().getHostAddress(), address.getPort()).toString();
    }

    @Override
    public String toString()
    {
        final String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return hasPort() ? h + ":" + port : h;
    }
}
