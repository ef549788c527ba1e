package io.mtgj.perf.middle;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;

/**
 * Reads one direction of RPC frames (protocol.md 7.3), checking everything the reader must: padding words skipped
 * (at most three in a row, since padding only ever rounds up to 16 bytes), {@code total_len} a multiple of 4 in
 * {@code [12, 2^24]}, the exact expected sequence number, and the CRC32. Any violation is an
 * {@link RpcProtocolException}. Decrypts with AES-256-CBC once a decryptor is set, and never reads past the end of
 * the frame it returns, so the peer need not send anything more for a read to finish.
 */
public final class RpcFrameReader
{
    private static final int BLOCK = 16;
    private static final int CHUNK = 64 * 1024;
    private static final int MAX_PADDING_WORDS = 3;
    private static final int MIN_FRAME_LENGTH = RpcFrameWriter.HEADER_LENGTH + RpcFrameWriter.CRC_LENGTH;

    private final InputStream in;
    private final CRC32 crc = new CRC32();
    private final byte[] header = new byte[RpcFrameWriter.HEADER_LENGTH];
    private final byte[] word = new byte[4];
    private final byte[] raw = new byte[BLOCK];
    private final byte[] block = new byte[BLOCK];
    private int blockOffset = BLOCK;
    private int rawPending;
    private int expectedSeq;
    private boolean plainPaddingMayFollow;
    private Cipher decryptor;
    private byte[] chunk;

    /**
     * @param in       the connection's input; buffered is better.
     * @param firstSeq sequence number the first frame must carry.
     */
    public RpcFrameReader(final InputStream in, final int firstSeq)
    {
        this.in = in;
        this.expectedSeq = firstSeq;
    }

    /**
     * Decrypt everything after this point. Up to three plaintext padding words of the previous (plaintext) frame
     * may still be on the wire; they are skipped before decryption starts, which tells a padded 48-byte nonce
     * frame from an unpadded 44-byte one.
     *
     * @param decryptor an AES/CBC/NoPadding cipher in decrypt mode, used only through {@code update}.
     */
    public void enableDecryption(final Cipher decryptor)
    {
        this.decryptor = decryptor;
        this.plainPaddingMayFollow = true;
    }

    /**
     * @return the sequence number the next frame must carry.
     */
    public int expectedSeq()
    {
        return expectedSeq;
    }

    /**
     * Read the next frame.
     *
     * @return its payload.
     * @throws RpcProtocolException when the frame breaks the rules.
     * @throws EOFException         when the stream ends.
     * @throws IOException          when reading fails.
     */
    public byte[] read() throws IOException
    {
        int length;
        int paddingWords = 0;
        while (true)
        {
            readPlain(header, 0, 4);
            length = LittleEndian.getInt(header, 0);
            if (RpcFrameWriter.PADDING_WORD != length)
            {
                break;
            }
            if (++paddingWords > MAX_PADDING_WORDS)
            {
                throw new RpcProtocolException("more than " + MAX_PADDING_WORDS + " padding words in a row");
            }
        }
        if (0 != (length & 3) || length < MIN_FRAME_LENGTH || length > RpcFrameWriter.MAX_FRAME_LENGTH)
        {
            throw new RpcProtocolException("bad frame length " + length + " (0x" + Integer.toHexString(length) + ")");
        }
        readPlain(header, 4, 4);
        final int seq = LittleEndian.getInt(header, 4);
        if (seq != expectedSeq)
        {
            throw new RpcProtocolException("sequence number " + seq + ", expected " + expectedSeq);
        }
        final byte[] payload = new byte[length - MIN_FRAME_LENGTH];
        readPlain(payload, 0, payload.length);
        readPlain(word, 0, 4);
        crc.reset();
        crc.update(header, 0, header.length);
        crc.update(payload, 0, payload.length);
        final int expectedCrc = (int)crc.getValue();
        final int actualCrc = LittleEndian.getInt(word, 0);
        if (expectedCrc != actualCrc)
        {
            throw new RpcProtocolException("bad CRC32 " + Integer.toHexString(actualCrc) + " in frame seq " + seq +
                ", expected " + Integer.toHexString(expectedCrc));
        }
        expectedSeq++;
        return payload;
    }

    private void readPlain(final byte[] dst, final int offset, final int length) throws IOException
    {
        if (null == decryptor)
        {
            readRaw(dst, offset, length);
            return;
        }
        if (plainPaddingMayFollow)
        {
            skipPlainPadding();
        }
        int position = offset;
        int remaining = length;
        while (remaining > 0)
        {
            if (blockOffset < BLOCK)
            {
                final int n = Math.min(BLOCK - blockOffset, remaining);
                System.arraycopy(block, blockOffset, dst, position, n);
                blockOffset += n;
                position += n;
                remaining -= n;
            }
            else if (remaining >= BLOCK && 0 == rawPending)
            {
                final int n = Math.min(remaining & -BLOCK, CHUNK);
                if (null == chunk)
                {
                    chunk = new byte[CHUNK];
                }
                readRaw(chunk, 0, n);
                decrypt(chunk, n, dst, position);
                position += n;
                remaining -= n;
            }
            else
            {
                // A frame ends on a 16-byte boundary, so a whole block never runs past it.
                readRaw(raw, rawPending, BLOCK - rawPending);
                rawPending = 0;
                decrypt(raw, BLOCK, block, 0);
                blockOffset = 0;
            }
        }
    }

    private void skipPlainPadding() throws IOException
    {
        plainPaddingMayFollow = false;
        for (int i = 0; i < MAX_PADDING_WORDS; i++)
        {
            readRaw(raw, 0, 4);
            if (RpcFrameWriter.PADDING_WORD != LittleEndian.getInt(raw, 0))
            {
                rawPending = 4;
                return;
            }
        }
    }

    private void decrypt(final byte[] src, final int length, final byte[] dst, final int dstOffset)
    {
        try
        {
            final int produced = decryptor.update(src, 0, length, dst, dstOffset);
            if (produced != length)
            {
                throw new IllegalStateException("CBC produced " + produced + " of " + length + " bytes");
            }
        }
        catch (final ShortBufferException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private void readRaw(final byte[] dst, final int offset, final int length) throws IOException
    {
        int position = offset;
        final int end = offset + length;
        while (position < end)
        {
            final int n = in.read(dst, position, end - position);
            if (n < 0)
            {
                throw new EOFException("stream ended after " + (position - offset) + " of " + length + " bytes");
            }
            position += n;
        }
    }
}
