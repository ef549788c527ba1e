package io.mtgj.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over concatenated byte ranges, for key derivation on handshake paths.
 */
public final class Sha256
{
    private Sha256()
    {
    }

    /**
     * @param a first range's array.
     * @param aOffset first range's start.
     * @param aLength first range's length.
     * @param b second range, hashed whole.
     * @return SHA256(a[aOffset..aOffset+aLength) || b).
     */
    public static byte[] digest(final byte[] a, final int aOffset, final int aLength, final byte[] b)
    {
        try
        {
            final MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(a, aOffset, aLength);
            md.update(b);
            return md.digest();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }
}
