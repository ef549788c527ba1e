package io.mtgj.crypto;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * HMAC-SHA256 for the FakeTLS handshake (protocol.md 4.3, 4.5). Handshake paths only: it allocates.
 */
public final class HmacSha256
{
    /** Digest length. */
    public static final int LENGTH = 32;

    /** One Mac per thread, keyed per call: looking the algorithm up costs more than a handshake's HMAC. */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(HmacSha256::unkeyedMac);

    private HmacSha256()
    {
    }

    /**
     * @param key    the key.
     * @param parts  byte arrays hashed one after the other, whole.
     * @return HMAC-SHA256(key, parts[0] || parts[1] || ...).
     */
    public static byte[] mac(final byte[] key, final byte[]... parts)
    {
        final Mac mac = newMac(key);
        for (final byte[] part : parts)
        {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /**
     * @param key    the key.
     * @param bytes  message array.
     * @param offset message start.
     * @param length message length.
     * @return HMAC-SHA256(key, bytes[offset..offset+length)).
     */
    public static byte[] mac(final byte[] key, final byte[] bytes, final int offset, final int length)
    {
        final Mac mac = newMac(key);
        mac.update(bytes, offset, length);
        return mac.doFinal();
    }

    /**
     * @return this thread's Mac keyed with {@code key}; doFinal leaves it ready for the next init.
     */
    private static Mac newMac(final byte[] key)
    {
        try
        {
            final Mac mac = MACS.get();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 refused a key", ex);
        }
    }

    private static Mac unkeyedMac()
    {
        try
        {
            return Mac.getInstance("HmacSHA256");
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is not available", ex);
        }
    }
}
