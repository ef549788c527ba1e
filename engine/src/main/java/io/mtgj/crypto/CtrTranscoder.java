package io.mtgj.crypto;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Decrypts a range of an off-heap buffer with one CTR stream and re-encrypts it with another, leaving the result
 * where the bytes were. Owns two scratch arrays, so one instance per thread: the JCE allocates nothing only when
 * input and output are distinct heap arrays (style.md 2).
 */
public final class CtrTranscoder
{
    private final byte[] plain;
    private final byte[] cipher;

    /**
     * @param chunkBytes scratch size; larger ranges are processed in chunks of this size.
     */
    public CtrTranscoder(final int chunkBytes)
    {
        plain = new byte[chunkBytes];
        cipher = new byte[chunkBytes];
    }

    /**
     * @param buffer  holds the bytes.
     * @param offset  first byte.
     * @param length  bytes to transcode.
     * @param decrypt stream the bytes arrived under (source side), or null if they are plain.
     * @param encrypt stream they leave under (sink side), or null to leave them plain.
     */
    public void transcode(
        final UnsafeBuffer buffer, final int offset, final int length, final AesCtr decrypt, final AesCtr encrypt)
    {
        int done = 0;
        while (done < length)
        {
            final int n = Math.min(cipher.length, length - done);
            final int index = offset + done;
            buffer.getBytes(index, cipher, 0, n);
            byte[] result = cipher;
            if (null != decrypt)
            {
                decrypt.update(cipher, 0, n, plain, 0);
                result = plain;
            }
            if (null != encrypt)
            {
                final byte[] out = result == plain ? cipher : plain;
                encrypt.update(result, 0, n, out, 0);
                result = out;
            }
            buffer.putBytes(index, result, 0, n);
            done += n;
        }
    }
}
