package io.mtgj.perf.middle;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AES-256-CBC key and IV of the ME connection, derived as protocol.md 7.5 says. "Client" is always the proxy
 * (the end that sent the first nonce) and "server" the ME, whichever side computes it: the proxy encrypts and the
 * ME decrypts with the {@link #PURPOSE_CLIENT} keys, the ME encrypts and the proxy decrypts with
 * {@link #PURPOSE_SERVER}.
 * <p>
 * Both ends IPv4 gives the 214-byte material of the table; both IPv6 puts zeros in the IPv4 fields and appends
 * both addresses (written from the table, not checked against any vector); a mixed pair is refused.
 */
public final class MiddleKeys
{
    /** Purpose of the keys for proxy to ME traffic. */
    public static final String PURPOSE_CLIENT = "CLIENT";
    /** Purpose of the keys for ME to proxy traffic. */
    public static final String PURPOSE_SERVER = "SERVER";
    /** AES-256 key length. */
    public static final int KEY_LENGTH = 32;
    /** CBC IV length. */
    public static final int IV_LENGTH = 16;

    private static final int NONCE_LENGTH = 16;
    private static final int PURPOSE_LENGTH = 6;
    private static final int IPV4_FIXED_LENGTH = 86;
    private static final int IPV6_EXTRA_LENGTH = 32;
    private static final int MD5_KEY_PART_LENGTH = 12;

    private final byte[] key;
    private final byte[] iv;

    private MiddleKeys(final byte[] key, final byte[] iv)
    {
        this.key = key;
        this.iv = iv;
    }

    /**
     * Derive one key and IV.
     *
     * @param serverNonce the ME's 16-byte nonce.
     * @param clientNonce the proxy's 16-byte nonce.
     * @param clientTs    the proxy's {@code crypto_ts} exactly as it sent it.
     * @param server      the ME's address and port as the proxy dialled them.
     * @param client      the proxy's address (its public one behind NAT) and local port, as the ME sees them.
     * @param purpose     {@link #PURPOSE_CLIENT} or {@link #PURPOSE_SERVER}.
     * @param secret      the proxy secret (getProxySecret), 128 bytes today.
     * @return the key and IV.
     */
    public static MiddleKeys derive(
        final byte[] serverNonce,
        final byte[] clientNonce,
        final int clientTs,
        final InetSocketAddress server,
        final InetSocketAddress client,
        final String purpose,
        final byte[] secret)
    {
        final byte[] material = material(serverNonce, clientNonce, clientTs, server, client, purpose, secret);
        final byte[] md5Key = digest("MD5", material, 1);
        final byte[] sha1 = digest("SHA-1", material, 0);
        final byte[] key = new byte[KEY_LENGTH];
        System.arraycopy(md5Key, 0, key, 0, MD5_KEY_PART_LENGTH);
        System.arraycopy(sha1, 0, key, MD5_KEY_PART_LENGTH, KEY_LENGTH - MD5_KEY_PART_LENGTH);
        final byte[] iv = digest("MD5", material, 2);
        Arrays.fill(material, (byte)0);
        return new MiddleKeys(key, iv);
    }

    /**
     * The byte string {@code s} of protocol.md 7.5 that the digests run over.
     *
     * @param serverNonce the ME's 16-byte nonce.
     * @param clientNonce the proxy's 16-byte nonce.
     * @param clientTs    the proxy's {@code crypto_ts}.
     * @param server      the ME's address and port.
     * @param client      the proxy's address and port as the ME sees them.
     * @param purpose     {@link #PURPOSE_CLIENT} or {@link #PURPOSE_SERVER}.
     * @param secret      the proxy secret.
     * @return {@code 86 + K} bytes for IPv4, {@code 118 + K} for IPv6.
     */
    public static byte[] material(
        final byte[] serverNonce,
        final byte[] clientNonce,
        final int clientTs,
        final InetSocketAddress server,
        final InetSocketAddress client,
        final String purpose,
        final byte[] secret)
    {
        requireLength("server nonce", serverNonce, NONCE_LENGTH);
        requireLength("client nonce", clientNonce, NONCE_LENGTH);
        final byte[] purposeBytes = purpose.getBytes(StandardCharsets.US_ASCII);
        requireLength("purpose", purposeBytes, PURPOSE_LENGTH);
        final InetAddress serverIp = server.getAddress();
        final InetAddress clientIp = client.getAddress();
        final boolean ipv4 = serverIp instanceof Inet4Address && clientIp instanceof Inet4Address;
        final boolean ipv6 = serverIp instanceof Inet6Address && clientIp instanceof Inet6Address;
        if (!ipv4 && !ipv6)
        {
            throw new IllegalArgumentException("both ends must be IPv4 or both IPv6: " + server + ", " + client);
        }

        final int length = IPV4_FIXED_LENGTH + secret.length + (ipv6 ? IPV6_EXTRA_LENGTH : 0);
        final byte[] s = new byte[length];
        System.arraycopy(serverNonce, 0, s, 0, NONCE_LENGTH);
        System.arraycopy(clientNonce, 0, s, 16, NONCE_LENGTH);
        LittleEndian.putInt(s, 32, clientTs);
        if (ipv4)
        {
            putReversed(s, 36, serverIp.getAddress());
        }
        LittleEndian.putShort(s, 40, client.getPort());
        System.arraycopy(purposeBytes, 0, s, 42, PURPOSE_LENGTH);
        if (ipv4)
        {
            putReversed(s, 48, clientIp.getAddress());
        }
        LittleEndian.putShort(s, 52, server.getPort());
        System.arraycopy(secret, 0, s, 54, secret.length);
        int offset = 54 + secret.length;
        System.arraycopy(serverNonce, 0, s, offset, NONCE_LENGTH);
        offset += NONCE_LENGTH;
        if (ipv6)
        {
            System.arraycopy(clientIp.getAddress(), 0, s, offset, 16);
            System.arraycopy(serverIp.getAddress(), 0, s, offset + 16, 16);
            offset += IPV6_EXTRA_LENGTH;
        }
        System.arraycopy(clientNonce, 0, s, offset, NONCE_LENGTH);
        return s;
    }

    /**
     * @return a copy of the 32-byte AES key.
     */
    public byte[] key()
    {
        return key.clone();
    }

    /**
     * @return a copy of the 16-byte IV.
     */
    public byte[] iv()
    {
        return iv.clone();
    }

    /**
     * @return a fresh AES-256-CBC encryptor (no padding) over these keys; keep it for the whole direction.
     */
    public Cipher encryptor()
    {
        return cipher(Cipher.ENCRYPT_MODE);
    }

    /**
     * @return a fresh AES-256-CBC decryptor (no padding) over these keys; keep it for the whole direction.
     */
    public Cipher decryptor()
    {
        return cipher(Cipher.DECRYPT_MODE);
    }

    /**
     * A CBC cipher from a raw key and IV, for vectors that give them directly.
     *
     * @param mode {@link Cipher#ENCRYPT_MODE} or {@link Cipher#DECRYPT_MODE}.
     * @param key  32 bytes.
     * @param iv   16 bytes.
     * @return the initialised cipher.
     */
    public static Cipher cbc(final int mode, final byte[] key, final byte[] iv)
    {
        try
        {
            final Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return cipher;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES/CBC/NoPadding unavailable", ex);
        }
    }

    private Cipher cipher(final int mode)
    {
        return cbc(mode, key, iv);
    }

    private static byte[] digest(final String algorithm, final byte[] bytes, final int offset)
    {
        try
        {
            final MessageDigest digest = MessageDigest.getInstance(algorithm);
            digest.update(bytes, offset, bytes.length - offset);
            return digest.digest();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(algorithm + " unavailable", ex);
        }
    }

    private static void putReversed(final byte[] dst, final int offset, final byte[] address)
    {
        for (int i = 0; i < address.length; i++)
        {
            dst[offset + i] = address[address.length - 1 - i];
        }
    }

    private static void requireLength(final String what, final byte[] bytes, final int length)
    {
        if (bytes.length != length)
        {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, not " + bytes.length);
        }
    }
}
