package io.mtgj.crypto;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AES-256-CTR keystream (protocol.md notation: big-endian 128-bit counter). Encryption and decryption are the
 * same operation; the stream position carries over between calls, so one object serves one direction for the
 * whole life of a connection.
 */
public final class AesCtr extends AesStream
{
    /** AES-256 key length. */
    public static final int KEY_LENGTH = 32;
    /** Counter block length. */
    public static final int IV_LENGTH = 16;

    /**
     * @param key 32 bytes at {@code keyOffset}.
     * @param keyOffset where the key starts.
     * @param iv 16 bytes at {@code ivOffset}.
     * @param ivOffset where the IV starts.
     */
    public AesCtr(final byte[] key, final int keyOffset, final byte[] iv, final int ivOffset)
    {
        super("AES/CTR/NoPadding", Cipher.ENCRYPT_MODE, new SecretKeySpec(key, keyOffset, KEY_LENGTH, "AES"),
            new IvParameterSpec(iv, ivOffset, IV_LENGTH));
    }
}
