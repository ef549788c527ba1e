package io.mtgj.socks5;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * The client side of SOCKS5 on the wire (RFC 1928, with RFC 1929 username/password authentication), as pure
 * functions over buffers: writers return the bytes written, readers return a length, {@link #NEED_MORE} or a
 * negative error code, and never read past {@code index + length}.
 */
public final class Socks5
{
    /** Protocol version byte of every SOCKS5 message but the login's. */
    public static final int VERSION = 5;
    /** Version byte of the RFC 1929 username/password sub-negotiation. */
    public static final int LOGIN_VERSION = 1;
    /** Method: no authentication required. */
    public static final int METHOD_NO_AUTH = 0;
    /** Method: username/password (RFC 1929). */
    public static final int METHOD_LOGIN = 2;
    /** The server's answer when none of the offered methods is acceptable. */
    public static final int METHOD_NONE_ACCEPTABLE = 0xFF;
    /** Command: CONNECT. */
    public static final int COMMAND_CONNECT = 1;
    /** Address type: IPv4, 4 bytes. */
    public static final int ATYP_IPV4 = 1;
    /** Address type: a domain name, one length byte then the name. */
    public static final int ATYP_DOMAIN = 3;
    /** Address type: IPv6, 16 bytes. */
    public static final int ATYP_IPV6 = 4;
    /** Reply code: succeeded. */
    public static final int REPLY_SUCCEEDED = 0;
    /** Longest username or password RFC 1929 can carry. */
    public static final int MAX_CREDENTIAL_LENGTH = 255;
    /** Longest message the client writes: a login with two 255-byte fields. */
    public static final int MAX_REQUEST_LENGTH = 3 + 2 * MAX_CREDENTIAL_LENGTH;
    /** Longest message the server sends: a reply with a 255-byte domain name. */
    public static final int MAX_REPLY_LENGTH = 4 + 1 + 255 + 2;

    /** Reader result: the message is not all in yet. */
    public static final int NEED_MORE = 0;
    /** Reader result: the version byte is wrong; this is not a SOCKS5 server. */
    public static final int BAD_VERSION = -1;
    /** Reader result: a reply names an address type RFC 1928 does not define. */
    public static final int BAD_ADDRESS_TYPE = -2;

    private static final int METHOD_CHOICE_LENGTH = 2;
    private static final int LOGIN_STATUS_LENGTH = 2;
    private static final int REPLY_HEADER_LENGTH = 4;
    private static final int PORT_LENGTH = 2;
    private static final int IPV4_LENGTH = 4;
    private static final int IPV6_LENGTH = 16;

    private Socks5()
    {
    }

    /**
     * The greeting: version, then the methods offered: no authentication, and username/password when there is a
     * login to give.
     *
     * @param buffer     where to write.
     * @param index      at which index.
     * @param offerLogin whether to offer username/password as well.
     * @return bytes written: 3, or 4 with the login offered.
     */
    public static int writeGreeting(final MutableDirectBuffer buffer, final int index, final boolean offerLogin)
    {
        buffer.putByte(index, (byte)VERSION);
        if (offerLogin)
        {
            buffer.putByte(index + 1, (byte)2);
            buffer.putByte(index + 2, (byte)METHOD_NO_AUTH);
            buffer.putByte(index + 3, (byte)METHOD_LOGIN);
            return 4;
        }
        buffer.putByte(index + 1, (byte)1);
        buffer.putByte(index + 2, (byte)METHOD_NO_AUTH);
        return 3;
    }

    /**
     * The server's method choice: version, method.
     *
     * @return the 2-byte length when complete (the method is then {@link #method}), {@link #NEED_MORE} or
     *         {@link #BAD_VERSION}.
     */
    public static int readMethodChoice(final DirectBuffer buffer, final int index, final int length)
    {
        if (length >= 1 && VERSION != (buffer.getByte(index) & 0xFF))
        {
            return BAD_VERSION;
        }
        return length < METHOD_CHOICE_LENGTH ? NEED_MORE : METHOD_CHOICE_LENGTH;
    }

    /**
     * @return the method of a method choice {@link #readMethodChoice} found complete.
     */
    public static int method(final DirectBuffer buffer, final int index)
    {
        return buffer.getByte(index + 1) & 0xFF;
    }

    /**
     * The RFC 1929 request: version 1, username length, username, password length, password.
     *
     * @param username 1..255 bytes.
     * @param password 1..255 bytes.
     * @return bytes written.
     */
    public static int writeLogin(final MutableDirectBuffer buffer, final int index, final byte[] username,
        final byte[] password)
    {
        buffer.putByte(index, (byte)LOGIN_VERSION);
        buffer.putByte(index + 1, (byte)username.length);
        buffer.putBytes(index + 2, username);
        final int passwordAt = index + 2 + username.length;
        buffer.putByte(passwordAt, (byte)password.length);
        buffer.putBytes(passwordAt + 1, password);
        return 3 + username.length + password.length;
    }

    /**
     * The RFC 1929 answer: version, status (0 means success). Version 5 is accepted too: some servers answer with
     * the SOCKS version.
     *
     * @return the 2-byte length when complete (the status is then {@link #status}), {@link #NEED_MORE} or
     *         {@link #BAD_VERSION}.
     */
    public static int readLoginStatus(final DirectBuffer buffer, final int index, final int length)
    {
        if (length >= 1)
        {
            final int version = buffer.getByte(index) & 0xFF;
            if (LOGIN_VERSION != version && VERSION != version)
            {
                return BAD_VERSION;
            }
        }
        return length < LOGIN_STATUS_LENGTH ? NEED_MORE : LOGIN_STATUS_LENGTH;
    }

    /**
     * @return the status byte of a login answer or the reply code of a reply (both at offset 1).
     */
    public static int status(final DirectBuffer buffer, final int index)
    {
        return buffer.getByte(index + 1) & 0xFF;
    }

    /**
     * CONNECT to an IP address: version, command, reserved 0, address type 1 (IPv4) or 4 (IPv6), the address, the
     * port in network order. Names are never sent: the proxy dials Telegram by address.
     *
     * @param target a resolved address.
     * @return bytes written: 10 for IPv4, 22 for IPv6.
     * @throws IllegalArgumentException when the target is unresolved.
     */
    public static int writeConnect(final MutableDirectBuffer buffer, final int index, final InetSocketAddress target)
    {
        if (target.isUnresolved())
        {
            throw new IllegalArgumentException("SOCKS5 CONNECT needs an IP address, got " + target.getHostString());
        }
        final byte[] address = target.getAddress().getAddress();
        buffer.putByte(index, (byte)VERSION);
        buffer.putByte(index + 1, (byte)COMMAND_CONNECT);
        buffer.putByte(index + 2, (byte)0);
        buffer.putByte(index + 3, (byte)(target.getAddress() instanceof Inet4Address ? ATYP_IPV4 : ATYP_IPV6));
        buffer.putBytes(index + REPLY_HEADER_LENGTH, address);
        final int portAt = index + REPLY_HEADER_LENGTH + address.length;
        buffer.putByte(portAt, (byte)(target.getPort() >>> 8));
        buffer.putByte(portAt + 1, (byte)target.getPort());
        return REPLY_HEADER_LENGTH + address.length + PORT_LENGTH;
    }

    /**
     * The server's reply: version, reply code, reserved, address type, bound address (IPv4, IPv6 or a name), port.
     * A failure code is final as soon as its two bytes are in: the caller need not wait for the address (read
     * {@link #status} when this returns {@link #NEED_MORE} with at least 2 bytes).
     *
     * @return the reply's whole length when complete, {@link #NEED_MORE}, {@link #BAD_VERSION} or
     *         {@link #BAD_ADDRESS_TYPE}.
     */
    public static int readReply(final DirectBuffer buffer, final int index, final int length)
    {
        if (length >= 1 && VERSION != (buffer.getByte(index) & 0xFF))
        {
            return BAD_VERSION;
        }
        if (length < REPLY_HEADER_LENGTH)
        {
            return NEED_MORE;
        }
        final int addressLength;
        switch (buffer.getByte(index + 3) & 0xFF)
        {
            case ATYP_IPV4:
                addressLength = IPV4_LENGTH;
                break;
            case ATYP_IPV6:
                addressLength = IPV6_LENGTH;
                break;
            case ATYP_DOMAIN:
                if (length < REPLY_HEADER_LENGTH + 1)
                {
                    return NEED_MORE;
                }
                addressLength = 1 + (buffer.getByte(index + REPLY_HEADER_LENGTH) & 0xFF);
                break;
            default:
                return BAD_ADDRESS_TYPE;
        }
        final int total = REPLY_HEADER_LENGTH + addressLength + PORT_LENGTH;
        return length < total ? NEED_MORE : total;
    }

    /**
     * @param buffer a complete reply ({@link #readReply} returned its length).
     * @return its bound address (BND.ADDR, BND.PORT), or null when it is a name or all zeros (address and port).
     */
    public static InetSocketAddress boundAddress(final DirectBuffer buffer, final int index)
    {
        final int type = buffer.getByte(index + 3) & 0xFF;
        if (ATYP_IPV4 != type && ATYP_IPV6 != type)
        {
            return null;
        }
        final byte[] address = new byte[ATYP_IPV4 == type ? IPV4_LENGTH : IPV6_LENGTH];
        buffer.getBytes(index + REPLY_HEADER_LENGTH, address);
        final int portAt = index + REPLY_HEADER_LENGTH + address.length;
        final int port = (buffer.getByte(portAt) & 0xFF) << 8 | (buffer.getByte(portAt + 1) & 0xFF);
        boolean zero = 0 == port;
        for (final byte b : address)
        {
            zero &= 0 == b;
        }
        try
        {
            return zero ? null : new InetSocketAddress(java.net.InetAddress.getByAddress(address), port);
        }
        catch (final java.net.UnknownHostException ex)
        {
            return null; // cannot happen for 4 or 16 bytes
        }
    }

    /**
     * @param code a reply code.
     * @return RFC 1928's words for it, with the code, for logs.
     */
    public static String replyText(final int code)
    {
        switch (code)
        {
            case 0:
                return "succeeded (code 0)";
            case 1:
                return "general SOCKS server failure (code 1)";
            case 2:
                return "connection not allowed by ruleset (code 2)";
            case 3:
                return "network unreachable (code 3)";
            case 4:
                return "host unreachable (code 4)";
            case 5:
                return "connection refused (code 5)";
            case 6:
                return "TTL expired (code 6)";
            case 7:
                return "command not supported (code 7)";
            case 8:
                return "address type not supported (code 8)";
            default:
                return "unassigned reply (code " + code + ")";
        }
    }
}
