package io.mtgj.crypto;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * One direction of an AES mode whose state (counter or chaining block) carries over from call to call: the JCE
 * cipher and the one call shape that allocates nothing.
 */
abstract class AesStream
{
    /**
     * @return the initialized JCE cipher that continues the stream.
     */
    abstract Cipher cipher();

    /**
     * The stream moved on by {@code length} bytes.
     */
    void advanced(final int length)
    {
    }

    /**
     * @param transformation the JCE name, e.g. {@code AES/CTR/NoPadding}.
     * @param mode           {@link Cipher#ENCRYPT_MODE} or {@link Cipher#DECRYPT_MODE}.
     * @param key            the AES key.
     * @param iv             the counter or initialization vector.
     * @return the cipher, initialized.
     */
    static Cipher newCipher(
        final String transformation, final int mode, final SecretKeySpec key, final IvParameterSpec iv)
    {
        try
        {
            final Cipher cipher = Cipher.getInstance(transformation);
            cipher.init(mode, key, iv);
            return cipher;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(transformation + " is not available", ex);
        }
    }

    /**
     * Transform {@code length} bytes. {@code in} and {@code out} must be distinct arrays: that is the one JCE call
     * shape that allocates nothing (style.md 2).
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
            cipher().update(in, inOffset, length, out, outOffset);
        }
        catch (final ShortBufferException ex)
        {
            throw new IllegalArgumentException("output too short", ex);
        }
        advanced(length);
    }

    /**
     * Transform a whole array into a new one (handshake paths and tests only: it allocates).
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
