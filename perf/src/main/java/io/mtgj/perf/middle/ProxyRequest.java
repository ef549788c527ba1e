package io.mtgj.perf.middle;

import io.mtgj.secret.Hex;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One parsed {@code RPC_PROXY_REQ} (protocol.md 7.7):
 * <pre>
 *   0  4  constructor ee f1 ce 36
 *   4  4  LE32 flags
 *   8  8  out_conn_id
 *  16 16  client IP (IPv6, or IPv4-mapped)    32 4  client port LE32
 *  36 16  proxy IP, same encoding             52 4  proxy port LE32
 *  56 4   LE32 extra_size, then extra_size bytes of TL items (only when flag 8 is set)
 *   …     the client's packet, a positive multiple of 4 bytes
 * </pre>
 * The only extra item understood is {@code TL_PROXY_TAG} followed by a TL string (the ad tag); anything else in the
 * extra section is a protocol error, since the proxy under test should send nothing else.
 */
public final class ProxyRequest
{
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 4;
    /** Offset of out_conn_id. */
    public static final int CONN_ID_OFFSET = 8;
    /** Offset of the client's IP. */
    public static final int CLIENT_IP_OFFSET = 16;
    /** Offset of the client's port. */
    public static final int CLIENT_PORT_OFFSET = 32;
    /** Offset of the proxy's IP. */
    public static final int PROXY_IP_OFFSET = 36;
    /** Offset of the proxy's port. */
    public static final int PROXY_PORT_OFFSET = 52;
    /** Offset of extra_size (when flag 8 is set), else of the packet. */
    public static final int EXTRA_SIZE_OFFSET = 56;

    private static final int IP_LENGTH = 16;
    private static final int TL_LONG_STRING_MARK = 0xfe;

    private final int flags;
    private final byte[] connId;
    private final byte[] clientIp;
    private final int clientPort;
    private final byte[] proxyIp;
    private final int proxyPort;
    private final int extraSize;
    private final byte[] adTag;
    private final byte[] packet;
    private final int packetLength;

    private ProxyRequest(
        final int flags,
        final byte[] connId,
        final byte[] clientIp,
        final int clientPort,
        final byte[] proxyIp,
        final int proxyPort,
        final int extraSize,
        final byte[] adTag,
        final byte[] packet,
        final int packetLength)
    {
        this.flags = flags;
        this.connId = connId;
        this.clientIp = clientIp;
        this.clientPort = clientPort;
        this.proxyIp = proxyIp;
        this.proxyPort = proxyPort;
        this.extraSize = extraSize;
        this.adTag = adTag;
        this.packet = packet;
        this.packetLength = packetLength;
    }

    /**
     * @param payload a whole RPC message that starts with {@code RPC_PROXY_REQ}.
     * @return the request.
     * @throws RpcProtocolException when the layout is broken.
     */
    public static ProxyRequest parse(final byte[] payload) throws RpcProtocolException
    {
        if (payload.length < EXTRA_SIZE_OFFSET)
        {
            throw new RpcProtocolException("PROXY_REQ too short: " + payload.length + " bytes");
        }
        if (RpcConstants.RPC_PROXY_REQ != LittleEndian.getInt(payload, 0))
        {
            throw new RpcProtocolException("not a PROXY_REQ: " + Integer.toHexString(LittleEndian.getInt(payload, 0)));
        }
        final int flags = LittleEndian.getInt(payload, FLAGS_OFFSET);
        int packetOffset = EXTRA_SIZE_OFFSET;
        int extraSize = -1;
        byte[] adTag = null;
        if (0 != (flags & RpcConstants.FLAG_HAS_AD_TAG))
        {
            if (payload.length < EXTRA_SIZE_OFFSET + 4)
            {
                throw new RpcProtocolException("PROXY_REQ with flag 8 but no extra_size");
            }
            extraSize = LittleEndian.getInt(payload, EXTRA_SIZE_OFFSET);
            final int extraStart = EXTRA_SIZE_OFFSET + 4;
            if (extraSize < 0 || 0 != (extraSize & 3) || extraSize > payload.length - extraStart)
            {
                throw new RpcProtocolException("bad extra_size " + extraSize + " in a " + payload.length +
                    "-byte PROXY_REQ");
            }
            adTag = parseExtra(payload, extraStart, extraStart + extraSize);
            packetOffset = extraStart + extraSize;
        }
        final int packetLength = payload.length - packetOffset;
        if (0 == packetLength || 0 != (packetLength & 3))
        {
            throw new RpcProtocolException("PROXY_REQ packet length " + packetLength +
                " is not a positive multiple of 4");
        }
        return new ProxyRequest(
            flags,
            Arrays.copyOfRange(payload, CONN_ID_OFFSET, CONN_ID_OFFSET + RpcConstants.CONN_ID_LENGTH),
            Arrays.copyOfRange(payload, CLIENT_IP_OFFSET, CLIENT_IP_OFFSET + IP_LENGTH),
            LittleEndian.getInt(payload, CLIENT_PORT_OFFSET),
            Arrays.copyOfRange(payload, PROXY_IP_OFFSET, PROXY_IP_OFFSET + IP_LENGTH),
            LittleEndian.getInt(payload, PROXY_PORT_OFFSET),
            extraSize,
            adTag,
            Arrays.copyOfRange(payload, packetOffset, payload.length),
            packetLength);
    }

    private static byte[] parseExtra(final byte[] payload, final int start, final int end)
        throws RpcProtocolException
    {
        byte[] adTag = null;
        int offset = start;
        while (offset < end)
        {
            if (end - offset < 8)
            {
                throw new RpcProtocolException("truncated item in PROXY_REQ extra at " + offset);
            }
            final int constructor = LittleEndian.getInt(payload, offset);
            if (RpcConstants.TL_PROXY_TAG != constructor)
            {
                throw new RpcProtocolException("unknown item " + Integer.toHexString(constructor) +
                    " in PROXY_REQ extra");
            }
            offset += 4;
            final int first = payload[offset] & 0xff;
            final int dataOffset;
            final int length;
            final int itemLength;
            if (first < TL_LONG_STRING_MARK)
            {
                length = first;
                dataOffset = offset + 1;
                itemLength = (1 + length + 3) & -4;
            }
            else if (TL_LONG_STRING_MARK == first)
            {
                length = LittleEndian.getInt(payload, offset) >>> 8;
                dataOffset = offset + 4;
                itemLength = 4 + ((length + 3) & -4);
            }
            else
            {
                throw new RpcProtocolException("bad TL string length byte 0xff in PROXY_REQ extra");
            }
            if (itemLength > end - offset)
            {
                throw new RpcProtocolException("ad tag string of " + length + " bytes runs past extra");
            }
            adTag = Arrays.copyOfRange(payload, dataOffset, dataOffset + length);
            offset += itemLength;
        }
        return adTag;
    }

    /**
     * A copy whose {@link #packet()} keeps at most {@code maxLength} leading bytes; {@link #packetLength()} still
     * gives the whole length. Keeps logs of many requests small.
     *
     * @param maxLength bytes of packet to keep.
     * @return this request with a shortened packet.
     */
    public ProxyRequest withPacketPrefix(final int maxLength)
    {
        if (packet.length <= maxLength)
        {
            return this;
        }
        return new ProxyRequest(flags, connId, clientIp, clientPort, proxyIp, proxyPort, extraSize, adTag,
            Arrays.copyOf(packet, maxLength), packetLength);
    }

    /**
     * @return the flags word.
     */
    public int flags()
    {
        return flags;
    }

    /**
     * @param flag one of the {@code RpcConstants.FLAG_*} bits.
     * @return whether it is set.
     */
    public boolean hasFlag(final int flag)
    {
        return 0 != (flags & flag);
    }

    /**
     * @return a copy of out_conn_id as on the wire.
     */
    public byte[] connId()
    {
        return connId.clone();
    }

    /**
     * @return out_conn_id as lower-case hex of its wire bytes.
     */
    public String connIdHex()
    {
        return Hex.encode(connId);
    }

    /**
     * @return a copy of the 16-byte client IP field.
     */
    public byte[] clientIpBytes()
    {
        return clientIp.clone();
    }

    /**
     * @return the client IP; an IPv4-mapped field gives an {@code Inet4Address}.
     */
    public InetAddress clientIp()
    {
        return address(clientIp);
    }

    /**
     * @return the client port field (any 32-bit value; a well-behaved proxy sends a TCP port).
     */
    public int clientPort()
    {
        return clientPort;
    }

    /**
     * @return a copy of the 16-byte proxy IP field.
     */
    public byte[] proxyIpBytes()
    {
        return proxyIp.clone();
    }

    /**
     * @return the proxy IP; an IPv4-mapped field gives an {@code Inet4Address}.
     */
    public InetAddress proxyIp()
    {
        return address(proxyIp);
    }

    /**
     * @return the proxy port field.
     */
    public int proxyPort()
    {
        return proxyPort;
    }

    /**
     * @return extra_size, or -1 when there is no extra section (flag 8 clear).
     */
    public int extraSize()
    {
        return extraSize;
    }

    /**
     * @return whether a non-empty ad tag came in the extra section.
     */
    public boolean hasAdTag()
    {
        return null != adTag && adTag.length > 0;
    }

    /**
     * @return a copy of the ad tag, or null without one.
     */
    public byte[] adTag()
    {
        return null == adTag ? null : adTag.clone();
    }

    /**
     * @return the ad tag as lower-case hex, or null without one.
     */
    public String adTagHex()
    {
        return null == adTag ? null : Hex.encode(adTag);
    }

    /**
     * @return a copy of the client's packet (maybe only its prefix, see {@link #withPacketPrefix(int)}).
     */
    public byte[] packet()
    {
        return packet.clone();
    }

    /**
     * @return the packet's whole length.
     */
    public int packetLength()
    {
        return packetLength;
    }

    /**
     * @return whether the packet starts with 8 zero bytes (a zero auth_key_id: not encrypted).
     */
    public boolean isPacketUnencrypted()
    {
        if (packet.length < 8)
        {
            return false;
        }
        for (int i = 0; i < 8; i++)
        {
            if (0 != packet[i])
            {
                return false;
            }
        }
        return true;
    }

    private static InetAddress address(final byte[] ip)
    {
        try
        {
            return InetAddress.getByAddress(ip);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "ProxyRequest{flags=0x" + Integer.toHexString(flags) + ", connId=" + connIdHex() +
            ", client=" + clientIp().getHostAddress() + ":" + clientPort +
            ", proxy=" + proxyIp().getHostAddress() + ":" + proxyPort +
            ", adTag=" + adTagHex() + ", packetLength=" + packetLength + "}";
    }
}
