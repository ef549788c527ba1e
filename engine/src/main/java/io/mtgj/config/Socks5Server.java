package io.mtgj.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One SOCKS5 server of {@code --socks5}, from {@code socks5://[user:pass@]host:port}. The username and password are
 * percent-decoded bytes (so {@code %40} is an {@code @} and {@code %3A} a colon) and stay out of {@link #toString()}:
 * logs name the server as {@code host:port} only.
 *
 * @param address  the server's host (name or IP literal) and port.
 * @param username RFC 1929 username, 1..255 bytes, or null for no authentication.
 * @param password RFC 1929 password, 1..255 bytes when there is a username, else null.
 */
public record Socks5Server(HostPort address, byte[] username, byte[] password)
{
    private static final String SCHEME = "socks5://";
    private static final int MAX_CREDENTIAL_BYTES = 255;

    /**
     * @param address  host and port.
     * @param username username bytes or null.
     * @param password password bytes, null exactly when username is.
     */
    public Socks5Server
    {
        if ((null == username) != (null == password))
        {
            throw new IllegalArgumentException("a SOCKS5 login needs both a username and a password");
        }
        username = null == username ? null : username.clone();
        password = null == password ? null : password.clone();
    }

    /**
     * @param text {@code socks5://[user:pass@]host:port}; IPv6 hosts in brackets.
     * @return the server.
     * @throws IllegalArgumentException saying what is wrong; the message never repeats the credentials.
     */
    public static Socks5Server parse(final String text)
    {
        final String s = text.trim();
        if (!s.regionMatches(true, 0, SCHEME, 0, SCHEME.length()))
        {
            final int colon = s.indexOf("://");
            throw new IllegalArgumentException("bad --socks5 " + (colon > 0 ? "scheme '" + s.substring(0, colon) +
                "'" : "value") + ": expected socks5://[user:pass@]host:port");
        }
        String rest = s.substring(SCHEME.length());
        if (rest.endsWith("/"))
        {
            rest = rest.substring(0, rest.length() - 1);
        }
        final int at = rest.lastIndexOf('@');
        final String hostPart = rest.substring(at + 1);
        if (hostPart.indexOf('/') >= 0 || hostPart.indexOf('?') >= 0 || hostPart.indexOf('#') >= 0)
        {
            throw new IllegalArgumentException("bad --socks5 " + redacted(hostPart, at >= 0) +
                ": expected socks5://[user:pass@]host:port, with no path");
        }
        final HostPort address;
        try
        {
            address = HostPort.parse(hostPart, true);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("bad --socks5 " + redacted(hostPart, at >= 0) + ": " + ex.getMessage());
        }
        if (!address.hasPort())
        {
            throw new IllegalArgumentException("bad --socks5 " + redacted(hostPart, at >= 0) +
                ": missing port, expected socks5://[user:pass@]host:port");
        }
        if (0 == address.port())
        {
            throw new IllegalArgumentException("bad --socks5 " + redacted(hostPart, at >= 0) + ": port 0");
        }
        if (at < 0)
        {
            return new Socks5Server(address, null, null);
        }
        final String login = rest.substring(0, at);
        final int colon = login.indexOf(':');
        if (colon < 0)
        {
            throw new IllegalArgumentException("bad --socks5 " + redacted(hostPart, true) +
                ": the login must be user:password");
        }
        final byte[] username = decode(login.substring(0, colon), "username", hostPart);
        final byte[] password = decode(login.substring(colon + 1), "password", hostPart);
        return new Socks5Server(address, username, password);
    }

    private static String redacted(final String hostPart, final boolean hasLogin)
    {
        return "'socks5://" + (hasLogin ? "***@" : "") + hostPart + "'";
    }

    /**
     * Percent-decode one field of the login (RFC 3986), as bytes.
     */
    private static byte[] decode(final String field, final String what, final String hostPart)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < field.length(); i++)
        {
            final char c = field.charAt(i);
            if ('%' == c)
            {
                final int high = i + 2 < field.length() ? Character.digit(field.charAt(i + 1), 16) : -1;
                final int low = i + 2 < field.length() ? Character.digit(field.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0)
                {
                    throw new IllegalArgumentException("bad --socks5 " + redacted(hostPart, true) + ": bad " +
                        "percent-encoding in the " + what + " (write % as %25)");
                }
                bytes.write(high << 4 | low);
                i += 2;
            }
            else
            {
                final byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        final byte[] value = bytes.toByteArray();
        if (0 == value.length || value.length > MAX_CREDENTIAL_BYTES)
        {
            throw new IllegalArgumentException("bad --socks5 " + redacted(hostPart, true) + ": the " + what +
                " must be 1.." + MAX_CREDENTIAL_BYTES + " bytes, got " + value.length);
        }
        return value;
    }

    /**
     * @return whether a username and password are given.
     */
    public boolean hasLogin()
    {
        return null != username;
    }

    @Override
    public byte[] username()
    {
        return null == username ? null : username.clone();
    }

    @Override
    public byte[] password()
    {
        return null == password ? null : password.clone();
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof Socks5Server && address.equals(((Socks5Server)other).address) &&
            Arrays.equals(username, ((Socks5Server)other).username) &&
            Arrays.equals(password, ((Socks5Server)other).password);
    }

    @Override
    public int hashCode()
    {
        return address.hashCode() * 31 + Arrays.hashCode(username);
    }

    /**
     * @return {@code host:port}, never the login.
     */
    @Override
    public String toString()
    {
        return address.toString();
    }
}
