package io.mtgj.publicip;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals read without DNS: text that is not a literal of the wanted family yields null and is never
 * looked up, so a hostile "what is my IP" answer cannot make us query a name.
 */
public final class IpLiteral
{
    private static final int IPV4_PARTS = 4;
    private static final int MAX_IPV6_TEXT_LENGTH = 45;

    private IpLiteral()
    {
    }

    /**
     * @param text an IPv4 dotted quad or an IPv6 literal without brackets and zone; surrounding spaces are not
     *             accepted.
     * @param ipv6 whether an IPv6 literal is wanted (else IPv4).
     * @return the address, or null when {@code text} is not a literal of that family.
     */
    public static InetAddress parse(final String text, final boolean ipv6)
    {
        if (null == text || text.isEmpty())
        {
            return null;
        }
        return ipv6 ? parseIpv6(text) : parseIpv4(text);
    }

    private static InetAddress parseIpv4(final String text)
    {
        final byte[] bytes = new byte[IPV4_PARTS];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++)
        {
            final char c = i < text.length() ? text.charAt(i) : '.';
            if (c == '.')
            {
                // no empty parts, no leading zeros (some parsers read them as octal), each part 0..255
                if (0 == digits || part == IPV4_PARTS || (digits > 1 && text.charAt(i - digits) == '0'))
                {
                    return null;
                }
                bytes[part++] = (byte)value;
                value = 0;
                digits = 0;
            }
            else if (c >= '0' && c <= '9' && digits < 3)
            {
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255)
                {
                    return null;
                }
            }
            else
            {
                return null;
            }
        }
        if (part != IPV4_PARTS)
        {
            return null;
        }
        try
        {
            return InetAddress.getByAddress(bytes);
        }
        catch (final UnknownHostException ex)
        {
            return null; // cannot happen: the array has the length of an IPv4 address
        }
    }

    private static InetAddress parseIpv6(final String text)
    {
        if (text.length() < 2 || text.length() > MAX_IPV6_TEXT_LENGTH || text.indexOf(':') < 0)
        {
            return null;
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            final boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                c == ':' || c == '.';
            if (!ok)
            {
                return null;
            }
        }
        final char first = text.charAt(0);
        if (first == '.')
        {
            return null;
        }
        try
        {
            // Text that starts with a hex digit or ':' and holds a ':' is parsed by the JDK as an IPv6 literal and
            // rejected when invalid, without any name lookup; the checks above guarantee exactly that shape.
            final InetAddress address = InetAddress.getByName(text);
            return address instanceof Inet6Address ? address : null; // "::ffff:a.b.c.d" comes back as IPv4
        }
        catch (final UnknownHostException ex)
        {
            return null;
        }
    }

    /**
     * @param address any address.
     * @param ipv6    the wanted family.
     * @return whether the address is of that family.
     */
    public static boolean isFamily(final InetAddress address, final boolean ipv6)
    {
        return ipv6 ? address instanceof Inet6Address : address instanceof Inet4Address;
    }
}
