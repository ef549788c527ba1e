package io.mtgj.crypto;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * One AES-256-CTR keystream (protocol.md notation: big-endian 128-bit counter). Encryption and decryption are the
 * same operation; the stream position carries over between calls, so one object serves one direction for the
 * whole life of a connection.
 */
public final class AesCtr
{
    /** AES-256 key length. */
    public static final int KEY_LENGTH = 32;
    /** Counter block length. */
    public static final int IV_LENGTH = 16;

    private final Cipher cipher;

    /**
     * @param key 32 bytes at {@code keyOffset}.
     * @param keyOffset where the key starts.
     * @param iv 16 bytes at {@code ivOffset}.
     * @param ivOffset where the IV starts.
     */
    public AesCtr(final byte[] key, final int keyOffset, final byte[] iv, final int ivOffset)
    {
        try
        {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(
                Cipher.ENCRYPT_MODE,
                new SecretKeySpec(key, keyOffset, KEY_LENGTH, "AES"),
                new IvParameterSpec(iv, ivOffset, IV_LENGTH));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES/CTR/NoPadding is not available", ex);
        }
    }

    /**
     * Transform {@code length} bytes. {@code in} and {@code out} must be distinct arrays: that is the one JCE
     * call shape that allocates nothing (style.md 2).
     *
     * @param in        source.
     * @param inOffset  where the source starts.
     * @param length    bytes to transform.
     * @param out       destination, not {@code in}.
     * @param outOffset where the destination starts.
     */
    public void update(final byte[] in, final int inOffset, final int length, final byte[] out, final int outOffset)
    {
        try
        {
            cipher.update(in, inOffset, length, out, outOffset);
        }
        catch (final ShortBufferException ex)
        {
            throw new IllegalArgumentException("output too short", ex);
        }
    }

    /**
     * Transform a whole array into a new one (handshake paths only: it allocates).
     *
     * @param in bytes to transform.
     * @return the transformed copy.
     */
    public byte[] process(final byte[] in)
    {
        final byte[] out = new byte[in.length];
        update(in, 0, in.length, out, 0);
        return out;
    }
}
