package io.mtgj.crypto;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * AES encryption of one block, for a look at a single keystream block of a CTR stream without building the stream:
 * enough to tell which of many secrets a handshake frame was made with. One JCE object per thread.
 */
public final class AesBlock
{
    /** Bytes in an AES block. */
    public static final int LENGTH = 16;

    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(AesBlock::newCipher);

    private AesBlock()
    {
    }

    /**
     * @param key    an AES key (16, 24 or 32 bytes).
     * @param in     the block to encrypt, at {@code inOffset}.
     * @param inOffset where it starts.
     * @param out    where the encrypted block goes, at {@code outOffset}; may be {@code in}.
     * @param outOffset where it goes.
     */
    public static void encrypt(final byte[] key, final byte[] in, final int inOffset, final byte[] out,
        final int outOffset)
    {
        final Cipher cipher = CIPHERS.get();
        try
        {
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            cipher.doFinal(in, inOffset, LENGTH, out, outOffset);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES refused a block", ex);
        }
    }

    private static Cipher newCipher()
    {
        try
        {
            return Cipher.getInstance("AES/ECB/NoPadding");
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES/ECB is not available", ex);
        }
    }
}
