package io.mtgj.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over concatenated byte ranges, for key derivation on handshake paths.
 */
public final class Sha256
{
    /** One digest per thread: looking the algorithm up costs more than hashing a handshake's 48 bytes. */
    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(Sha256::newDigest);

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
        final MessageDigest md = DIGESTS.get(); // digest() leaves it reset for the next call
        md.update(a, aOffset, aLength);
        md.update(b);
        return md.digest();
    }

    private static MessageDigest newDigest()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }
}
