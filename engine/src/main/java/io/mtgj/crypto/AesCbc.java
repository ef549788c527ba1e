package io.mtgj.crypto;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AES-256-CBC direction without padding whose chaining state carries over from call to call, as the
 * middle-proxy RPC channel needs (protocol.md notation).
 */
public final class AesCbc extends AesStream
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
        cipher = newCipher("AES/CBC/NoPadding", encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE,
            new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    }

    @Override
    Cipher cipher()
    {
        return cipher;
    }

    /**
     * @param length a multiple of 16.
     * @see AesStream#update(byte[], int, int, byte[], int)
     */
    @Override
    public void update(final byte[] in, final int inOffset, final int length, final byte[] out, final int outOffset)
    {
        if (0 != length % BLOCK_LENGTH)
        {
            throw new IllegalArgumentException("CBC needs whole blocks, got " + length + " bytes");
        }
        super.update(in, inOffset, length, out, outOffset);
    }
}
