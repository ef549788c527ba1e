package io.mtgj.transport;

import java.util.Random;

/**
 * Packet boundaries of the three client transports (protocol.md 2.6): header sizes, lengths and encoding. Works on
 * decrypted bytes in plain arrays; never touches sockets.
 */
public final class PacketFraming
{
    /** Returned by {@link #headerLength} when more bytes are needed. */
    public static final int NEED_MORE = -1;
    /** Largest packet we accept: the official proxy's MAX_POST_SIZE rounded up to 1 MiB, as the Erlang proxy. */
    public static final int MAX_PACKET_LENGTH = 1 << 20;

    private static final int ABRIDGED_LONG_MARKER = 0x7f;

    private PacketFraming()
    {
    }

    /**
     * @param tag       the transport.
     * @param buffer    decrypted bytes.
     * @param offset    start of a packet header.
     * @param available bytes available from {@code offset}.
     * @return header length, or {@link #NEED_MORE}.
     */
    public static int headerLength(final ProtocolTag tag, final byte[] buffer, final int offset, final int available)
    {
        if (ProtocolTag.ABRIDGED == tag)
        {
            if (available < 1)
            {
                return NEED_MORE;
            }
            final int n = buffer[offset] & ABRIDGED_LONG_MARKER;
            final int length = n == ABRIDGED_LONG_MARKER ? 4 : 1;
            return available < length ? NEED_MORE : length;
        }
        return available < 4 ? NEED_MORE : 4;
    }

    /**
     * @param tag    the transport.
     * @param buffer decrypted bytes holding a whole header at {@code offset}.
     * @param offset start of the header.
     * @return bytes following the header that belong to this packet (for padded intermediate, padding included).
     */
    public static int bodyLength(final ProtocolTag tag, final byte[] buffer, final int offset)
    {
        if (ProtocolTag.ABRIDGED == tag)
        {
            final int n = buffer[offset] & ABRIDGED_LONG_MARKER;
            if (n == ABRIDGED_LONG_MARKER)
            {
                return 4 * ((buffer[offset + 1] & 0xff) | (buffer[offset + 2] & 0xff) << 8 |
                    (buffer[offset + 3] & 0xff) << 16);
            }
            return 4 * n;
        }
        return readLe32(buffer, offset) & 0x7fffffff;
    }

    /**
     * @param tag    the transport.
     * @param buffer decrypted bytes holding a whole header at {@code offset}.
     * @param offset start of the header.
     * @return whether the client asked for a quick ack of this packet.
     */
    public static boolean isQuickAckRequested(final ProtocolTag tag, final byte[] buffer, final int offset)
    {
        if (ProtocolTag.ABRIDGED == tag)
        {
            return (buffer[offset] & 0x80) != 0;
        }
        return (buffer[offset + 3] & 0x80) != 0;
    }

    /**
     * Encode one packet.
     *
     * @param tag     the transport.
     * @param payload packet bytes.
     * @param random  padding source for padded intermediate (0..3 random bytes, protocol.md 2.6 "Use").
     * @return header, payload and padding.
     */
    public static byte[] encode(final ProtocolTag tag, final byte[] payload, final Random random)
    {
        if (ProtocolTag.ABRIDGED == tag && 0 != (payload.length & 3))
        {
            throw new IllegalArgumentException("abridged packets are whole 4-byte words");
        }
        final int padding = ProtocolTag.PADDED_INTERMEDIATE == tag ? random.nextInt(4) : 0;
        final int header = encodedHeaderLength(tag, payload.length);
        final byte[] out = new byte[header + payload.length + padding];
        writeHeader(tag, payload.length, padding, out, 0);
        System.arraycopy(payload, 0, out, header, payload.length);
        for (int i = 0; i < padding; i++)
        {
            out[header + payload.length + i] = (byte)random.nextInt(256);
        }
        return out;
    }

    /**
     * @param tag           the transport.
     * @param payloadLength bytes of payload.
     * @return the length of the header that frames it.
     */
    public static int encodedHeaderLength(final ProtocolTag tag, final int payloadLength)
    {
        if (ProtocolTag.ABRIDGED == tag)
        {
            return payloadLength / 4 < ABRIDGED_LONG_MARKER ? 1 : 4;
        }
        return 4;
    }

    /**
     * Write the header of one packet; the payload and then {@code padding} bytes follow it.
     *
     * @param tag           the transport.
     * @param payloadLength bytes of payload (whole words for abridged).
     * @param padding       padding bytes after the payload (padded intermediate only, else 0).
     * @param dst           destination.
     * @param offset        where the header starts.
     * @return the header's length.
     */
    public static int writeHeader(
        final ProtocolTag tag, final int payloadLength, final int padding, final byte[] dst, final int offset)
    {
        final int header = encodedHeaderLength(tag, payloadLength);
        if (ProtocolTag.ABRIDGED == tag)
        {
            final int words = payloadLength / 4;
            if (1 == header)
            {
                dst[offset] = (byte)words;
            }
            else
            {
                writeLe32(dst, offset, (words << 8) | ABRIDGED_LONG_MARKER);
            }
        }
        else
        {
            writeLe32(dst, offset, payloadLength + padding);
        }
        return header;
    }

    static int readLe32(final byte[] buffer, final int offset)
    {
        return (buffer[offset] & 0xff) | (buffer[offset + 1] & 0xff) << 8 | (buffer[offset + 2] & 0xff) << 16 |
            (buffer[offset + 3] & 0xff) << 24;
    }

    static void writeLe32(final byte[] buffer, final int offset, final int value)
    {
        buffer[offset] = (byte)value;
        buffer[offset + 1] = (byte)(value >>> 8);
        buffer[offset + 2] = (byte)(value >>> 16);
        buffer[offset + 3] = (byte)(value >>> 24);
    }
}
