package io.mtgj.middle.rpc;

import java.util.zip.CRC32;

/**
 * One outgoing RPC frame (protocol.md 7.3) produced in pieces of any size, so that a frame of a megabyte can go
 * through a few small buffers: {@code LE32 total_len, LE32 seq}, a short prefix (a message header, copied at
 * {@link #begin}), a body (referenced, not copied: it must stay unchanged until the frame is done), the CRC32 of
 * everything before it, computed as the bytes go by, and {@code 04 00 00 00} padding to a multiple of 16.
 * <p>
 * The bytes produced are exactly {@link RpcFrame#encode} of prefix and body; a CBC encryptor fed with pieces whose
 * lengths are multiples of 16 sees whole blocks, since the frame's length is one. Reused frame after frame; no
 * allocation after construction.
 */
public final class RpcFrameEncoder
{
    /** The longest prefix {@link #begin} copies. */
    public static final int MAX_PREFIX_LENGTH = 128;

    private static final int MAX_TAIL_LENGTH = RpcFrame.TRAILER_LENGTH + 12;

    private final CRC32 crc = new CRC32();
    private final byte[] head = new byte[RpcFrame.HEADER_LENGTH + MAX_PREFIX_LENGTH];
    private final byte[] tail = new byte[MAX_TAIL_LENGTH];
    private int headLength;
    private byte[] body;
    private int bodyOffset;
    private int bodyLength;
    private int frameLength;
    private int position;
    private boolean tailWritten;

    /**
     * Start a frame whose payload is {@code prefix} then {@code body}.
     *
     * @param prefix       the payload's first bytes, copied now; at most {@link #MAX_PREFIX_LENGTH}.
     * @param prefixOffset where they start.
     * @param prefixLength how many.
     * @param body         the rest of the payload, read as the frame is produced; null when empty.
     * @param bodyOffset   where it starts.
     * @param bodyLength   how many bytes; prefix and body together are a multiple of 4.
     * @param seq          the frame's sequence number.
     * @throws IllegalStateException    when the previous frame is not done.
     * @throws IllegalArgumentException when the prefix is too long or the payload not whole words or too long.
     */
    public void begin(
        final byte[] prefix,
        final int prefixOffset,
        final int prefixLength,
        final byte[] body,
        final int bodyOffset,
        final int bodyLength,
        final int seq)
    {
        if (isActive())
        {
            throw new IllegalStateException("the previous frame is not done");
        }
        final long payloadLength = (long)prefixLength + bodyLength;
        if (prefixLength > MAX_PREFIX_LENGTH || prefixLength < 0 || bodyLength < 0 ||
            payloadLength + RpcFrame.HEADER_LENGTH + RpcFrame.TRAILER_LENGTH > Rpc.MAX_FRAME_LENGTH)
        {
            throw new IllegalArgumentException("frame of " + prefixLength + " + " + bodyLength + " payload bytes");
        }
        RpcFrame.begin(head, 0, (int)payloadLength, seq); // checks whole words
        System.arraycopy(prefix, prefixOffset, head, RpcFrame.HEADER_LENGTH, prefixLength);
        headLength = RpcFrame.HEADER_LENGTH + prefixLength;
        this.body = bodyLength > 0 ? body : null;
        this.bodyOffset = bodyOffset;
        this.bodyLength = bodyLength;
        frameLength = RpcFrame.paddedLength((int)payloadLength);
        position = 0;
        tailWritten = false;
        crc.reset();
        crc.update(head, 0, headLength);
    }

    /**
     * @return whether a frame has bytes left to produce.
     */
    public boolean isActive()
    {
        return position < frameLength;
    }

    /**
     * @return bytes of the current frame not produced yet (a multiple of 16 while pieces are).
     */
    public int remaining()
    {
        return frameLength - position;
    }

    /**
     * @return the current (or last) frame's length with its padding.
     */
    public int frameLength()
    {
        return frameLength;
    }

    /**
     * @param array an array.
     * @return whether the frame in progress still reads its body from it.
     */
    public boolean isReading(final byte[] array)
    {
        return isActive() && null != array && array == body;
    }

    /**
     * Produce the frame's next bytes.
     *
     * @param dst       destination.
     * @param dstOffset where they go.
     * @param length    how many, at most {@link #remaining()}.
     */
    public void next(final byte[] dst, final int dstOffset, final int length)
    {
        if (length < 0 || length > remaining())
        {
            throw new IllegalArgumentException(length + " bytes asked, " + remaining() + " left");
        }
        final int bodyEnd = headLength + bodyLength;
        int at = dstOffset;
        int left = length;
        while (left > 0)
        {
            final int n;
            if (position < headLength)
            {
                n = Math.min(left, headLength - position);
                System.arraycopy(head, position, dst, at, n);
            }
            else if (position < bodyEnd)
            {
                final int from = bodyOffset + position - headLength;
                n = Math.min(left, bodyEnd - position);
                System.arraycopy(body, from, dst, at, n);
                crc.update(body, from, n);
            }
            else
            {
                if (!tailWritten)
                {
                    writeTail();
                }
                final int from = position - bodyEnd;
                n = Math.min(left, frameLength - position);
                System.arraycopy(tail, from, dst, at, n);
            }
            position += n;
            at += n;
            left -= n;
        }
        if (!isActive())
        {
            body = null; // done with the caller's array
        }
    }

    /**
     * Drop the frame in progress, if any (its connection is closing).
     */
    public void clear()
    {
        body = null;
        position = 0;
        frameLength = 0;
    }

    private void writeTail()
    {
        tailWritten = true;
        RpcFrame.putLe32(tail, 0, (int)crc.getValue());
        final int tailLength = frameLength - headLength - bodyLength;
        for (int at = RpcFrame.TRAILER_LENGTH; at < tailLength; at += 4)
        {
            RpcFrame.putLe32(tail, at, RpcFrame.PADDING_WORD);
        }
    }
}
