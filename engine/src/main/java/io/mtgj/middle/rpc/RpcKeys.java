package io.mtgj.middle.rpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * AES-256-CBC keys of the middle-proxy channel (protocol.md 7.5). "Client" is this proxy (the local end), "server"
 * the middle proxy.
 */
public final class RpcKeys
{
    /** Length of the key, then the IV, in {@link #derive}'s result. */
    public static final int KEY_LENGTH = 32;

    private static final byte[] CLIENT = "CLIENT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER = "SERVER".getBytes(StandardCharsets.US_ASCII);

    private RpcKeys()
    {
    }

    /**
     * @param serverNonce 16 bytes from the middle proxy's nonce.
     * @param clientNonce our 16 bytes.
     * @param clientTs    our crypto_ts as sent.
     * @param serverIp    the middle proxy's IPv4 (4 bytes, network order), or null over IPv6.
     * @param clientPort  our local TCP port.
     * @param encrypt     true for the key we encrypt with ("CLIENT"), false for the one we decrypt with.
     * @param clientIp    our IPv4 as the middle proxy sees it (4 bytes), or null over IPv6.
     * @param serverPort  the middle proxy's port.
     * @param secret      the proxy secret from Telegram.
     * @param clientIp6   our IPv6 (16 bytes) over IPv6, else null.
     * @param serverIp6   the middle proxy's IPv6 over IPv6, else null.
     * @return the key (32 bytes) followed by the IV (16 bytes).
     */
    public static byte[] derive(
        final byte[] serverNonce,
        final byte[] clientNonce,
        final int clientTs,
        final byte[] serverIp,
        final int clientPort,
        final boolean encrypt,
        final byte[] clientIp,
        final int serverPort,
        final byte[] secret,
        final byte[] clientIp6,
        final byte[] serverIp6)
    {
        final boolean ipv6 = null != clientIp6;
        final byte[] s = new byte[(ipv6 ? 118 : 86) + secret.length];
        int at = 0;
        System.arraycopy(serverNonce, 0, s, at, 16);
        at += 16;
        System.arraycopy(clientNonce, 0, s, at, 16);
        at += 16;
        RpcFrame.putLe32(s, at, clientTs);
        at += 4;
        at = putReversedIp(s, at, serverIp);
        s[at++] = (byte)clientPort;
        s[at++] = (byte)(clientPort >>> 8);
        System.arraycopy(encrypt ? CLIENT : SERVER, 0, s, at, 6);
        at += 6;
        at = putReversedIp(s, at, clientIp);
        s[at++] = (byte)serverPort;
        s[at++] = (byte)(serverPort >>> 8);
        System.arraycopy(secret, 0, s, at, secret.length);
        at += secret.length;
        System.arraycopy(serverNonce, 0, s, at, 16);
        at += 16;
        if (ipv6)
        {
            System.arraycopy(clientIp6, 0, s, at, 16);
            at += 16;
            System.arraycopy(serverIp6, 0, s, at, 16);
            at += 16;
        }
        System.arraycopy(clientNonce, 0, s, at, 16);

        final byte[] md5Tail = digest("MD5", s, 1);
        final byte[] sha1 = digest("SHA-1", s, 0);
        final byte[] md5Iv = digest("MD5", s, 2);
        final byte[] out = new byte[KEY_LENGTH + 16];
        System.arraycopy(md5Tail, 0, out, 0, 12);
        System.arraycopy(sha1, 0, out, 12, 20);
        System.arraycopy(md5Iv, 0, out, KEY_LENGTH, 16);
        return out;
    }

    private static int putReversedIp(final byte[] s, final int at, final byte[] ip)
    {
        if (null != ip)
        {
            for (int i = 0; i < 4; i++)
            {
                s[at + i] = ip[3 - i];
            }
        }
        return at + 4;
    }

    private static byte[] digest(final String algorithm, final byte[] bytes, final int from)
    {
        try
        {
            final MessageDigest md = MessageDigest.getInstance(algorithm);
            md.update(bytes, from, bytes.length - from);
            return md.digest();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(algorithm + " is not available", ex);
        }
    }
}
