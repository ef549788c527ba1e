package io.mtgj.crypto;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * One AES-256-CBC direction without padding whose chaining state carries over from call to call, as the
 * middle-proxy RPC channel needs (protocol.md notation).
 */
public final class AesCbc
{
    /** CBC works on whole blocks. */
    public static final int BLOCK_LENGTH = 16;

    private final Cipher cipher;

    /**
     * @param key     32 bytes.
     * @param iv      16 bytes.
     * @param encrypt true to encrypt, false to decrypt.
     */
    public AesCbc(final byte[] key, final byte[] iv, final boolean encrypt)
    {
        try
        {
            cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                new IvParameterSpec(iv));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES/CBC/NoPadding is not available", ex);
        }
    }

    /**
     * @param in        source.
     * @param inOffset  where it starts.
     * @param length    a multiple of 16.
     * @param out       destination, a different array from {@code in} (no allocation then).
     * @param outOffset where it starts.
     */
    public void update(final byte[] in, final int inOffset, final int length, final byte[] out, final int outOffset)
    {
        if (0 != length % BLOCK_LENGTH)
        {
            throw new IllegalArgumentException("CBC needs whole blocks, got " + length + " bytes");
        }
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
     * @param in whole blocks.
     * @return the transformed copy (handshake paths and tests).
     */
    public byte[] process(final byte[] in)
    {
        final byte[] out = new byte[in.length];
        update(in, 0, in.length, out, 0);
        return out;
    }
}
