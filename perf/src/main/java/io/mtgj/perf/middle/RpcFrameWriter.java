package io.mtgj.perf.middle;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;

/**
 * Writes one direction of RPC frames (protocol.md 7.3): {@code LE32 total_len, LE32 seq, payload, LE32 CRC32},
 * then {@code 04 00 00 00} words up to a multiple of 16, all through the AES-256-CBC encryptor once one is set.
 * Owns the direction's sequence number and cipher, so one thread at a time.
 */
public final class RpcFrameWriter
{
    /** Bytes of the header: length and sequence number. */
    public static final int HEADER_LENGTH = 8;
    /** Bytes of the trailing CRC32. */
    public static final int CRC_LENGTH = 4;
    /** The padding word, as a little-endian integer. */
    public static final int PADDING_WORD = 4;
    /** Largest {@code total_len} either side accepts. */
    public static final int MAX_FRAME_LENGTH = 1 << 24;

    private static final int ALIGNMENT = 16;

    private final CRC32 crc = new CRC32();
    private final boolean pad;
    private int nextSeq;
    private Cipher encryptor;
    private byte[] frame = new byte[256];

    /**
     * @param firstSeq sequence number of the first frame, {@link RpcConstants#SEQ_NONCE} on a new connection.
     * @param pad      whether to pad frames to 16 bytes before encryption is on (mtg pads; the official proxy
     *                 does not); frames are always padded once encrypting.
     */
    public RpcFrameWriter(final int firstSeq, final boolean pad)
    {
        this.nextSeq = firstSeq;
        this.pad = pad;
    }

    /**
     * Encrypt every following frame; the CBC state chains across frames.
     *
     * @param encryptor an AES/CBC/NoPadding cipher in encrypt mode, used only through {@code update}.
     */
    public void enableEncryption(final Cipher encryptor)
    {
        this.encryptor = encryptor;
    }

    /**
     * @return the sequence number the next frame gets.
     */
    public int nextSeq()
    {
        return nextSeq;
    }

    /**
     * Frame (and encrypt) one payload, advancing the sequence number.
     *
     * @param payload the message.
     * @return the wire bytes.
     */
    public byte[] encode(final byte[] payload)
    {
        final int length = encodeInternal(payload, 0, payload.length);
        return Arrays.copyOf(frame, length);
    }

    /**
     * Frame (and encrypt) one payload and write it, without flushing.
     *
     * @param out     where to write.
     * @param payload the message bytes.
     * @param offset  where the message starts.
     * @param length  message length, a multiple of 4.
     * @throws IOException when writing fails.
     */
    public void write(final OutputStream out, final byte[] payload, final int offset, final int length)
        throws IOException
    {
        final int wireLength = encodeInternal(payload, offset, length);
        out.write(frame, 0, wireLength);
    }

    /**
     * @param payloadLength message length.
     * @param padded        whether padding words are added.
     * @return the frame's length on the wire.
     */
    public static int wireLength(final int payloadLength, final boolean padded)
    {
        final int total = HEADER_LENGTH + payloadLength + CRC_LENGTH;
        return padded ? (total + ALIGNMENT - 1) & -ALIGNMENT : total;
    }

    private int encodeInternal(final byte[] payload, final int offset, final int length)
    {
        if (0 != (length & 3))
        {
            throw new IllegalArgumentException("payload length must be a multiple of 4: " + length);
        }
        final int total = HEADER_LENGTH + length + CRC_LENGTH;
        if (total > MAX_FRAME_LENGTH)
        {
            throw new IllegalArgumentException("frame too long: " + total);
        }
        final boolean padded = pad || null != encryptor;
        final int wireLength = wireLength(length, padded);
        if (frame.length < wireLength)
        {
            frame = new byte[Math.max(wireLength, frame.length * 2)];
        }
        LittleEndian.putInt(frame, 0, total);
        LittleEndian.putInt(frame, 4, nextSeq);
        System.arraycopy(payload, offset, frame, HEADER_LENGTH, length);
        crc.reset();
        crc.update(frame, 0, HEADER_LENGTH + length);
        LittleEndian.putInt(frame, HEADER_LENGTH + length, (int)crc.getValue());
        for (int i = total; i < wireLength; i += 4)
        {
            LittleEndian.putInt(frame, i, PADDING_WORD);
        }
        nextSeq++;
        if (null != encryptor)
        {
            try
            {
                final int produced = encryptor.update(frame, 0, wireLength, frame, 0);
                if (produced != wireLength)
                {
                    throw new IllegalStateException("CBC produced " + produced + " of " + wireLength + " bytes");
                }
            }
            catch (final ShortBufferException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
        return wireLength;
    }
}
