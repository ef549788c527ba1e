package io.mtgj.proxyprotocol;

import org.agrona.DirectBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Decodes the PROXY protocol header a load balancer puts before a client's bytes (HAProxy's proxy-protocol.txt,
 * version 1 text and version 2 binary). Incremental the simple way: each call looks at everything received so far,
 * from the first byte, and answers {@link HeaderStatus#NEED_MORE} while a header is still possible, so a header split
 * over several reads is fine and a stream that cannot be one is refused at its first wrong byte. The bytes are never
 * written. Results stay readable until the next call; one decoder per thread, reused for every connection.
 */
public final class ProxyHeaderDecoder
{
    /** v1: the longest line a sender may write, CRLF included (spec 2.1, {@code PROXY UNKNOWN} with IPv6 fields). */
    public static final int V1_MAX_LENGTH = 107;
    /** v2: the signature, version and command, family and transport, and the 2-byte length. */
    public static final int V2_FIXED_LENGTH = 16;
    /**
     * v2: the longest header taken, fixed part included. Addresses take at most 216 bytes (UNIX); the rest is TLVs,
     * which load balancers keep to a few dozen bytes (AWS's endpoint id, Azure's link id, HAProxy's unique id and TLS
     * details); a bound keeps a wrong length from holding a connection's buffer.
     */
    public static final int V2_MAX_LENGTH = 2048;

    private static final byte[] V1_PREFIX = {'P', 'R', 'O', 'X', 'Y', ' '};
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int V2_VERSION_COMMAND_OFFSET = 12;
    private static final int V2_FAMILY_OFFSET = 13;
    private static final int V2_LENGTH_OFFSET = 14;
    private static final int V2_VERSION = 2;
    private static final int V2_COMMAND_LOCAL = 0;
    private static final int V2_COMMAND_PROXY = 1;
    private static final int V2_UNSPEC = 0x00;
    private static final int V2_TCP4 = 0x11;
    private static final int V2_UDP4 = 0x12;
    private static final int V2_TCP6 = 0x21;
    private static final int V2_UDP6 = 0x22;
    private static final int V2_UNIX_STREAM = 0x31;
    private static final int V2_UNIX_DGRAM = 0x32;
    private static final int V2_TCP4_ADDRESS_LENGTH = 12;
    private static final int V2_TCP6_ADDRESS_LENGTH = 36;
    private static final int TLV_HEADER_LENGTH = 3;
    private static final int IPV4_LENGTH = 4;
    private static final int IPV6_LENGTH = 16;
    private static final int IPV6_GROUPS = 8;
    private static final int MAX_PORT = 65535;

    private final byte[] sourceAddress = new byte[IPV6_LENGTH];
    private final byte[] destinationAddress = new byte[IPV6_LENGTH];
    private final int[] groups = new int[IPV6_GROUPS];
    private HeaderError error;
    private int version;
    private int headerLength;
    private int addressLength;
    private int sourcePort;
    private int destinationPort;

    /**
     * Look at what a connection has sent so far.
     *
     * @param buffer the bytes.
     * @param offset where the connection's first byte is.
     * @param length bytes received.
     * @return {@link HeaderStatus#NEED_MORE} while the bytes are a valid start of a header, else the verdict; after a
     *         complete header, {@link #headerLength()} bytes belong to it and the rest are the client's.
     */
    public HeaderStatus decode(final DirectBuffer buffer, final int offset, final int length)
    {
        error = null;
        version = 0;
        headerLength = 0;
        addressLength = 0;
        sourcePort = 0;
        destinationPort = 0;
        if (length <= 0)
        {
            return HeaderStatus.NEED_MORE;
        }
        final byte first = buffer.getByte(offset);
        if (V2_SIGNATURE[0] == first)
        {
            version = 2;
            return decodeV2(buffer, offset, length);
        }
        if (V1_PREFIX[0] == first)
        {
            version = 1;
            return decodeV1(buffer, offset, length);
        }
        return invalid(HeaderError.NO_HEADER);
    }

    /**
     * @return 1 or 2 once the first byte told which version it is; 0 otherwise.
     */
    public int version()
    {
        return version;
    }

    /**
     * @return after a complete header, its length: the client's bytes follow it.
     */
    public int headerLength()
    {
        return headerLength;
    }

    /**
     * @return after {@link HeaderStatus#INVALID}, why.
     */
    public HeaderError error()
    {
        return error;
    }

    /**
     * @return after {@link HeaderStatus#PROXY}: 4 or 16, the length of the addresses.
     */
    public int addressLength()
    {
        return addressLength;
    }

    /**
     * @return after {@link HeaderStatus#PROXY}: the client's port.
     */
    public int sourcePort()
    {
        return sourcePort;
    }

    /**
     * @return after {@link HeaderStatus#PROXY}: the port the client connected to, at the load balancer.
     */
    public int destinationPort()
    {
        return destinationPort;
    }

    /**
     * @param index 0 to {@link #addressLength()} - 1.
     * @return after {@link HeaderStatus#PROXY}: that byte of the client's address, network order.
     */
    public byte sourceAddressByte(final int index)
    {
        return sourceAddress[index];
    }

    /**
     * @return after {@link HeaderStatus#PROXY}: the client's address and port (an IPv4-mapped IPv6 address becomes
     *         the IPv4 one, as Java's addresses do). Allocates: for the handshake path.
     */
    public InetSocketAddress source()
    {
        return new InetSocketAddress(address(sourceAddress), sourcePort);
    }

    /**
     * @return after {@link HeaderStatus#PROXY}: the address and port the client connected to.
     */
    public InetSocketAddress destination()
    {
        return new InetSocketAddress(address(destinationAddress), destinationPort);
    }

    private InetAddress address(final byte[] raw)
    {
        try
        {
            return InetAddress.getByAddress(java.util.Arrays.copyOf(raw, addressLength));
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException("an address of 4 or 16 bytes was refused", ex);
        }
    }

    private HeaderStatus invalid(final HeaderError why)
    {
        error = why;
        return HeaderStatus.INVALID;
    }

    // ---- version 2 (spec 2.2) ----

    private HeaderStatus decodeV2(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0, n = Math.min(length, V2_SIGNATURE.length); i < n; i++)
        {
            if (V2_SIGNATURE[i] != buffer.getByte(offset + i))
            {
                return invalid(HeaderError.NO_HEADER);
            }
        }
        if (length <= V2_VERSION_COMMAND_OFFSET)
        {
            return HeaderStatus.NEED_MORE;
        }
        final int versionCommand = buffer.getByte(offset + V2_VERSION_COMMAND_OFFSET) & 0xff;
        if (V2_VERSION != versionCommand >>> 4)
        {
            return invalid(HeaderError.BAD_VERSION);
        }
        final int command = versionCommand & 0x0f;
        if (V2_COMMAND_LOCAL != command && V2_COMMAND_PROXY != command)
        {
            return invalid(HeaderError.BAD_COMMAND);
        }
        if (length <= V2_FAMILY_OFFSET)
        {
            return HeaderStatus.NEED_MORE;
        }
        // LOCAL ignores the family byte (spec: "discard the protocol block including the family")
        final int family = buffer.getByte(offset + V2_FAMILY_OFFSET) & 0xff;
        if (V2_COMMAND_PROXY == command && !isDefinedFamily(family))
        {
            return invalid(HeaderError.BAD_FAMILY);
        }
        if (length < V2_FIXED_LENGTH)
        {
            return HeaderStatus.NEED_MORE;
        }
        final int blockLength = buffer.getByte(offset + V2_LENGTH_OFFSET) << 8 & 0xff00 |
            buffer.getByte(offset + V2_LENGTH_OFFSET + 1) & 0xff;
        final int total = V2_FIXED_LENGTH + blockLength;
        if (total > V2_MAX_LENGTH)
        {
            return invalid(HeaderError.TOO_LONG);
        }
        if (length < total)
        {
            return HeaderStatus.NEED_MORE;
        }
        headerLength = total;
        if (V2_COMMAND_LOCAL == command)
        {
            return HeaderStatus.LOCAL;
        }
        return decodeV2Addresses(buffer, offset + V2_FIXED_LENGTH, blockLength, family);
    }

    private static boolean isDefinedFamily(final int family)
    {
        switch (family)
        {
            case V2_UNSPEC:
            case V2_TCP4:
            case V2_UDP4:
            case V2_TCP6:
            case V2_UDP6:
            case V2_UNIX_STREAM:
            case V2_UNIX_DGRAM:
                return true;
            default:
                return false;
        }
    }

    private HeaderStatus decodeV2Addresses(
        final DirectBuffer buffer, final int blockOffset, final int blockLength, final int family)
    {
        final int addressesLength;
        switch (family)
        {
            case V2_UNSPEC:
                // "the receiver should ignore address information"; TLVs may still follow, unread
                return HeaderStatus.UNKNOWN;
            case V2_TCP4:
                addressLength = IPV4_LENGTH;
                addressesLength = V2_TCP4_ADDRESS_LENGTH;
                break;
            case V2_TCP6:
                addressLength = IPV6_LENGTH;
                addressesLength = V2_TCP6_ADDRESS_LENGTH;
                break;
            default:
                // UDP or UNIX sockets: a client this stream listener cannot stand for
                return invalid(HeaderError.UNSUPPORTED_FAMILY);
        }
        if (blockLength < addressesLength)
        {
            addressLength = 0;
            return invalid(HeaderError.BAD_LENGTH);
        }
        buffer.getBytes(blockOffset, sourceAddress, 0, addressLength);
        buffer.getBytes(blockOffset + addressLength, destinationAddress, 0, addressLength);
        final int portsOffset = blockOffset + 2 * addressLength;
        sourcePort = (buffer.getByte(portsOffset) & 0xff) << 8 | buffer.getByte(portsOffset + 1) & 0xff;
        destinationPort = (buffer.getByte(portsOffset + 2) & 0xff) << 8 | buffer.getByte(portsOffset + 3) & 0xff;
        // TLVs (spec 2.2.7) are not used, but they must tile the rest of the block exactly
        int tlv = blockOffset + addressesLength;
        final int end = blockOffset + blockLength;
        while (tlv < end)
        {
            if (end - tlv < TLV_HEADER_LENGTH)
            {
                return invalid(HeaderError.BAD_LENGTH);
            }
            final int valueLength = (buffer.getByte(tlv + 1) & 0xff) << 8 | buffer.getByte(tlv + 2) & 0xff;
            tlv += TLV_HEADER_LENGTH + valueLength;
        }
        if (tlv != end)
        {
            return invalid(HeaderError.BAD_LENGTH);
        }
        return HeaderStatus.PROXY;
    }

    // ---- version 1 (spec 2.1) ----

    private HeaderStatus decodeV1(final DirectBuffer buffer, final int offset, final int length)
    {
        final int seen = Math.min(length, V1_MAX_LENGTH);
        for (int i = 0, n = Math.min(seen, V1_PREFIX.length); i < n; i++)
        {
            if (V1_PREFIX[i] != buffer.getByte(offset + i))
            {
                return invalid(HeaderError.NO_HEADER);
            }
        }
        int lineEnd = -1;
        for (int i = 0; i < seen; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if ('\n' == b)
            {
                return invalid(HeaderError.BAD_LINE); // a lone LF: the CR before it would have ended the search
            }
            if ('\r' == b)
            {
                if (i + 1 >= V1_MAX_LENGTH)
                {
                    return invalid(HeaderError.TOO_LONG); // its LF would be byte 108
                }
                if (i + 1 == length)
                {
                    return HeaderStatus.NEED_MORE;
                }
                if ('\n' != buffer.getByte(offset + i + 1))
                {
                    return invalid(HeaderError.BAD_LINE);
                }
                lineEnd = i;
                break;
            }
        }
        if (lineEnd < 0)
        {
            return length >= V1_MAX_LENGTH ? invalid(HeaderError.TOO_LONG) : HeaderStatus.NEED_MORE;
        }
        final HeaderStatus status = decodeV1Line(buffer, offset + V1_PREFIX.length, offset + lineEnd);
        if (HeaderStatus.INVALID != status)
        {
            headerLength = lineEnd + 2;
        }
        return status;
    }

    /**
     * @param from the first byte after {@code "PROXY "}.
     * @param to   the CR.
     */
    private HeaderStatus decodeV1Line(final DirectBuffer buffer, final int from, final int to)
    {
        final int protocolEnd = indexOfSpace(buffer, from, to);
        if (matches(buffer, from, protocolEnd, "UNKNOWN"))
        {
            // "the receiver must ignore anything presented before the CRLF"
            return HeaderStatus.UNKNOWN;
        }
        final boolean v4;
        if (matches(buffer, from, protocolEnd, "TCP4"))
        {
            v4 = true;
        }
        else if (matches(buffer, from, protocolEnd, "TCP6"))
        {
            v4 = false;
        }
        else
        {
            return invalid(HeaderError.BAD_LINE);
        }
        // exactly four fields, each after exactly one space
        final int sourceFrom = protocolEnd + 1;
        final int sourceEnd = indexOfSpace(buffer, sourceFrom, to);
        final int destinationFrom = sourceEnd + 1;
        final int destinationEnd = indexOfSpace(buffer, destinationFrom, to);
        final int sourcePortFrom = destinationEnd + 1;
        final int sourcePortEnd = indexOfSpace(buffer, sourcePortFrom, to);
        final int destinationPortFrom = sourcePortEnd + 1;
        if (protocolEnd >= to || sourceEnd >= to || destinationEnd >= to || sourcePortEnd >= to ||
            indexOfSpace(buffer, destinationPortFrom, to) != to)
        {
            return invalid(HeaderError.BAD_LINE);
        }
        addressLength = v4 ? IPV4_LENGTH : IPV6_LENGTH;
        final HeaderError addressError = v4 ?
            firstError(parseIpv4(buffer, sourceFrom, sourceEnd, sourceAddress, 0),
                parseIpv4(buffer, destinationFrom, destinationEnd, destinationAddress, 0)) :
            firstError(parseIpv6(buffer, sourceFrom, sourceEnd, sourceAddress),
                parseIpv6(buffer, destinationFrom, destinationEnd, destinationAddress));
        if (null != addressError)
        {
            addressLength = 0;
            return invalid(addressError);
        }
        sourcePort = parsePort(buffer, sourcePortFrom, sourcePortEnd);
        destinationPort = parsePort(buffer, destinationPortFrom, to);
        if (sourcePort < 0 || destinationPort < 0)
        {
            addressLength = 0;
            sourcePort = 0;
            destinationPort = 0;
            return invalid(HeaderError.BAD_PORT);
        }
        return HeaderStatus.PROXY;
    }

    private static HeaderError firstError(final HeaderError a, final HeaderError b)
    {
        return null != a ? a : b;
    }

    private static int indexOfSpace(final DirectBuffer buffer, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (' ' == buffer.getByte(i))
            {
                return i;
            }
        }
        return to;
    }

    private static boolean matches(final DirectBuffer buffer, final int from, final int to, final String word)
    {
        if (to - from != word.length())
        {
            return false;
        }
        for (int i = 0; i < word.length(); i++)
        {
            if (word.charAt(i) != buffer.getByte(from + i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the port, or -1 when it is not 0..65535 in decimal without leading zeros.
     */
    private static int parsePort(final DirectBuffer buffer, final int from, final int to)
    {
        final int value = parseDecimal(buffer, from, to, 5);
        return value > MAX_PORT ? -1 : value;
    }

    /**
     * @return the value of 1 to {@code maxDigits} decimal digits without a leading zero, or -1.
     */
    private static int parseDecimal(final DirectBuffer buffer, final int from, final int to, final int maxDigits)
    {
        final int digits = to - from;
        if (digits < 1 || digits > maxDigits || (digits > 1 && '0' == buffer.getByte(from)))
        {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++)
        {
            final int digit = buffer.getByte(i) - '0';
            if (digit < 0 || digit > 9)
            {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /**
     * Four decimal numbers 0..255 without leading zeros, dot-separated (spec 2.1).
     */
    private static HeaderError parseIpv4(
        final DirectBuffer buffer, final int from, final int to, final byte[] out, final int outOffset)
    {
        int part = from;
        for (int i = 0; i < IPV4_LENGTH; i++)
        {
            int partEnd = part;
            while (partEnd < to && '.' != buffer.getByte(partEnd))
            {
                if (':' == buffer.getByte(partEnd))
                {
                    return HeaderError.FAMILY_MISMATCH;
                }
                partEnd++;
            }
            if ((IPV4_LENGTH - 1 == i) != (partEnd == to))
            {
                return HeaderError.BAD_ADDRESS; // too few or too many parts
            }
            final int value = parseDecimal(buffer, part, partEnd, 3);
            if (value < 0 || value > 255)
            {
                return HeaderError.BAD_ADDRESS;
            }
            out[outOffset + i] = (byte)value;
            part = partEnd + 1;
        }
        return null;
    }

    /**
     * Groups of 1 to 4 hex digits separated by colons, at most one {@code ::} standing for one or more zero groups,
     * and a dotted IPv4 tail for the last two groups (as inet_ntop writes IPv4-mapped addresses); 128 bits in all.
     */
    private HeaderError parseIpv6(final DirectBuffer buffer, final int from, final int to, final byte[] out)
    {
        int count = 0;
        int gapAt = -1;
        int i = from;
        if (to - from >= 2 && ':' == buffer.getByte(i) && ':' == buffer.getByte(i + 1))
        {
            gapAt = 0;
            i += 2;
        }
        boolean sawColon = gapAt >= 0;
        while (i < to)
        {
            int fieldEnd = i;
            boolean dotted = false;
            while (fieldEnd < to && ':' != buffer.getByte(fieldEnd))
            {
                dotted |= '.' == buffer.getByte(fieldEnd);
                fieldEnd++;
            }
            if (dotted)
            {
                if (fieldEnd != to || count > IPV6_GROUPS - 2 || !sawColon)
                {
                    return sawColon ? HeaderError.BAD_ADDRESS : HeaderError.FAMILY_MISMATCH;
                }
                if (null != parseIpv4(buffer, i, fieldEnd, out, 0))
                {
                    return HeaderError.BAD_ADDRESS;
                }
                groups[count++] = (out[0] & 0xff) << 8 | out[1] & 0xff;
                groups[count++] = (out[2] & 0xff) << 8 | out[3] & 0xff;
                break;
            }
            final int group = parseHexGroup(buffer, i, fieldEnd);
            if (group < 0 || count == IPV6_GROUPS)
            {
                return HeaderError.BAD_ADDRESS;
            }
            groups[count++] = group;
            if (fieldEnd == to)
            {
                break;
            }
            sawColon = true;
            if (fieldEnd + 1 < to && ':' == buffer.getByte(fieldEnd + 1))
            {
                if (gapAt >= 0)
                {
                    return HeaderError.BAD_ADDRESS; // a second "::"
                }
                gapAt = count;
                i = fieldEnd + 2;
            }
            else if (fieldEnd + 1 == to)
            {
                return HeaderError.BAD_ADDRESS; // a trailing single colon
            }
            else
            {
                i = fieldEnd + 1;
            }
        }
        if (!sawColon)
        {
            return HeaderError.FAMILY_MISMATCH; // not even one colon: an IPv4 address, or garbage
        }
        if (gapAt < 0 ? IPV6_GROUPS != count : count > IPV6_GROUPS - 1)
        {
            return HeaderError.BAD_ADDRESS;
        }
        final int zeros = IPV6_GROUPS - count;
        for (int g = 0, read = 0; g < IPV6_GROUPS; g++)
        {
            final int value = gapAt >= 0 && g >= gapAt && g < gapAt + zeros ? 0 : groups[read++];
            out[2 * g] = (byte)(value >>> 8);
            out[2 * g + 1] = (byte)value;
        }
        return null;
    }

    private static int parseHexGroup(final DirectBuffer buffer, final int from, final int to)
    {
        if (to - from < 1 || to - from > 4)
        {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++)
        {
            final int digit = Character.digit(buffer.getByte(i), 16);
            if (digit < 0)
            {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }
}
