package io.mtgj.middle.rpc;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * RPC frames (protocol.md 7.3): {@code LE32 total_len, LE32 seq, payload, LE32 CRC32}, padded with
 * {@code 04 00 00 00} words to a multiple of 16 so the CBC stream always has whole blocks.
 */
public final class RpcFrame
{
    /** Length and sequence number. */
    public static final int HEADER_LENGTH = 8;
    /** CRC32. */
    public static final int TRAILER_LENGTH = 4;
    /** {@link #readLength} result: need more bytes. */
    public static final int NEED_MORE = -1;
    /** {@link #readLength} result: not a frame. */
    public static final int MALFORMED = -2;

    static final int PADDING_WORD = 4;
    private static final int ALIGNMENT = 16;

    private RpcFrame()
    {
    }

    /**
     * @param payloadLength payload bytes, a multiple of 4.
     * @return bytes the frame takes with its padding.
     */
    public static int paddedLength(final int payloadLength)
    {
        final int length = HEADER_LENGTH + payloadLength + TRAILER_LENGTH;
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /**
     * Write a frame's header; the payload goes at {@code offset + HEADER_LENGTH}, then call {@link #finish}.
     *
     * @param frame         destination.
     * @param offset        where the frame starts.
     * @param payloadLength payload bytes, a multiple of 4.
     * @param seq           sequence number.
     */
    public static void begin(final byte[] frame, final int offset, final int payloadLength, final int seq)
    {
        if (0 != (payloadLength & 3))
        {
            throw new IllegalArgumentException("RPC payloads are whole words: " + payloadLength);
        }
        putLe32(frame, offset, HEADER_LENGTH + payloadLength + TRAILER_LENGTH);
        putLe32(frame, offset + 4, seq);
    }

    /**
     * Write the CRC and the padding after a payload.
     *
     * @param frame         the frame.
     * @param offset        where it starts.
     * @param payloadLength payload bytes.
     * @param crc           a scratch CRC32 (reset here).
     * @return the padded frame length.
     */
    public static int finish(final byte[] frame, final int offset, final int payloadLength, final CRC32 crc)
    {
        final int crcOffset = offset + HEADER_LENGTH + payloadLength;
        crc.reset();
        crc.update(frame, offset, crcOffset - offset);
        putLe32(frame, crcOffset, (int)crc.getValue());
        final int padded = paddedLength(payloadLength);
        for (int at = crcOffset + TRAILER_LENGTH; at < offset + padded; at += 4)
        {
            putLe32(frame, at, PADDING_WORD);
        }
        return padded;
    }

    /**
     * @param payload a whole payload.
     * @param seq     sequence number.
     * @return the padded frame (handshake paths and tests).
     */
    public static byte[] encode(final byte[] payload, final int seq)
    {
        final byte[] frame = new byte[paddedLength(payload.length)];
        begin(frame, 0, payload.length, seq);
        System.arraycopy(payload, 0, frame, HEADER_LENGTH, payload.length);
        finish(frame, 0, payload.length, new CRC32());
        return frame;
    }

    /**
     * @param buffer    decrypted bytes.
     * @param offset    where padding or a frame starts.
     * @param available bytes from there.
     * @return the number of padding bytes to skip before the next frame (0 if none), or {@link #NEED_MORE}.
     */
    public static int paddingLength(final DirectBuffer buffer, final int offset, final int available)
    {
        int skipped = 0;
        while (available - skipped >= 4)
        {
            if (PADDING_WORD != buffer.getInt(offset + skipped, ByteOrder.LITTLE_ENDIAN))
            {
                return skipped;
            }
            skipped += 4;
        }
        return skipped > 0 ? skipped : (available >= 4 ? 0 : NEED_MORE);
    }

    /**
     * @param buffer    decrypted bytes.
     * @param offset    start of a frame (padding skipped).
     * @param available bytes from there.
     * @return the frame's total length without padding, {@link #NEED_MORE} or {@link #MALFORMED}.
     */
    public static int readLength(final DirectBuffer buffer, final int offset, final int available)
    {
        final int length = announcedLength(buffer, offset, available);
        return length >= 0 && available < length ? NEED_MORE : length;
    }

    /**
     * The length a frame announces, whether or not the whole frame has arrived: a reader that streams frames larger
     * than its buffer needs it before the rest.
     *
     * @param buffer    decrypted bytes.
     * @param offset    start of a frame (padding skipped).
     * @param available bytes from there.
     * @return the frame's total length without padding, {@link #NEED_MORE} (fewer than 4 bytes) or
     *         {@link #MALFORMED}.
     */
    public static int announcedLength(final DirectBuffer buffer, final int offset, final int available)
    {
        if (available < 4)
        {
            return NEED_MORE;
        }
        final int length = buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
        if (length < HEADER_LENGTH + TRAILER_LENGTH || length > Rpc.MAX_FRAME_LENGTH || 0 != (length & 3))
        {
            return MALFORMED;
        }
        return length;
    }

    /**
     * @param covered  the frame without its CRC: position to limit (consumed here).
     * @param expected the CRC the frame carries.
     * @param crc      scratch CRC32.
     * @return whether they match.
     */
    public static boolean hasValidCrc(final java.nio.ByteBuffer covered, final int expected, final CRC32 crc)
    {
        crc.reset();
        crc.update(covered);
        return (int)crc.getValue() == expected;
    }

    static void putLe32(final byte[] bytes, final int offset, final int value)
    {
        bytes[offset] = (byte)value;
        bytes[offset + 1] = (byte)(value >>> 8);
        bytes[offset + 2] = (byte)(value >>> 16);
        bytes[offset + 3] = (byte)(value >>> 24);
    }

    static int getLe32(final byte[] bytes, final int offset)
    {
        return (bytes[offset] & 0xff) | (bytes[offset + 1] & 0xff) << 8 | (bytes[offset + 2] & 0xff) << 16 |
            (bytes[offset + 3] & 0xff) << 24;
    }
}
