package io.mtgj.secret;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

/**
 * A proxy secret: mode, the 16-byte key and, for FakeTLS, the fronted hostname (protocol.md 1.1).
 * Immutable; {@link #toString()} never shows the key.
 */
public final class Secret
{
    /** Length of the cryptographic key every mode carries. */
    public static final int KEY_LENGTH = 16;
    /** tdlib truncates longer hostnames (protocol.md 1.1). */
    public static final int MAX_HOST_LENGTH = 182;
    /** Host used by {@code generate-secret tls} without {@code -c}, as in mtg v1. */
    public static final String DEFAULT_TLS_HOST = "storage.googleapis.com";

    private static final byte SECURED_PREFIX = (byte)0xdd;
    private static final byte FAKE_TLS_PREFIX = (byte)0xee;

    private final SecretMode mode;
    private final byte[] key;
    private final String host;

    private Secret(final SecretMode mode, final byte[] key, final String host)
    {
        this.mode = mode;
        this.key = key;
        this.host = host;
    }

    /**
     * Parse a secret as hex, or else as base64 (URL or standard alphabet, padding optional), as clients do.
     *
     * @param text the secret text.
     * @return the secret.
     * @throws IllegalArgumentException with a message naming what is wrong.
     */
    public static Secret parse(final String text)
    {
        if (null == text || text.isEmpty())
        {
            throw new IllegalArgumentException("empty secret");
        }
        final byte[] raw = Hex.isHex(text) ? Hex.decode(text) : decodeBase64(text);
        return fromBytes(raw, text);
    }

    /**
     * Classify decoded secret bytes like mtg v1 (protocol.md 1.2), requiring a hostname for FakeTLS like tdlib.
     *
     * @param raw    decoded bytes.
     * @param source the text the bytes came from, for error messages.
     * @return the secret.
     */
    static Secret fromBytes(final byte[] raw, final String source)
    {
        if (raw.length == KEY_LENGTH + 1 && raw[0] == SECURED_PREFIX)
        {
            return new Secret(SecretMode.SECURED, Arrays.copyOfRange(raw, 1, 1 + KEY_LENGTH), null);
        }
        if (raw.length > KEY_LENGTH + 1 && raw[0] == FAKE_TLS_PREFIX)
        {
            final String host = new String(raw, 1 + KEY_LENGTH, raw.length - 1 - KEY_LENGTH, StandardCharsets.US_ASCII);
            return new Secret(SecretMode.FAKE_TLS, Arrays.copyOfRange(raw, 1, 1 + KEY_LENGTH), checkHost(host));
        }
        if (raw.length == KEY_LENGTH)
        {
            return new Secret(SecretMode.SIMPLE, raw.clone(), null);
        }
        throw new IllegalArgumentException("incorrect secret '" + source + "': " + raw.length +
            " bytes; expected 16 (simple), 0xdd + 16 (secured) or 0xee + 16 + hostname (tls)");
    }

    /**
     * @param mode   the mode.
     * @param host   hostname for {@link SecretMode#FAKE_TLS}, ignored otherwise.
     * @param random source of the key; a {@link SecureRandom} outside tests.
     * @return a fresh secret.
     */
    public static Secret generate(final SecretMode mode, final String host, final Random random)
    {
        final byte[] key = new byte[KEY_LENGTH];
        random.nextBytes(key);
        return new Secret(mode, key, SecretMode.FAKE_TLS == mode ? checkHost(host) : null);
    }

    private static String checkHost(final String host)
    {
        if (null == host || host.isEmpty())
        {
            throw new IllegalArgumentException("a tls secret needs a hostname");
        }
        if (host.length() > MAX_HOST_LENGTH)
        {
            throw new IllegalArgumentException("hostname '" + host + "' is longer than " + MAX_HOST_LENGTH + " bytes");
        }
        for (int i = 0; i < host.length(); i++)
        {
            final char c = host.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.';
            if (!ok)
            {
                throw new IllegalArgumentException("hostname '" + host + "' has a character a DNS name cannot hold");
            }
        }
        return host;
    }

    private static byte[] decodeBase64(final String text)
    {
        final String stripped = text.endsWith("==") ? text.substring(0, text.length() - 2) :
            text.endsWith("=") ? text.substring(0, text.length() - 1) : text;
        try
        {
            return Base64.getUrlDecoder().decode(stripped.replace('+', '-').replace('/', '_'));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("secret '" + text + "' is neither hex nor base64");
        }
    }

    /**
     * @return the mode.
     */
    public SecretMode mode()
    {
        return mode;
    }

    /**
     * @return a copy of the 16-byte key.
     */
    public byte[] key()
    {
        return key.clone();
    }

    /**
     * @return the FakeTLS hostname, or null in the other modes.
     */
    public String host()
    {
        return host;
    }

    /**
     * @return the wire form: optional prefix byte, key, optional hostname.
     */
    public byte[] toBytes()
    {
        final byte[] hostBytes = null == host ? new byte[0] : host.getBytes(StandardCharsets.US_ASCII);
        final int prefix = SecretMode.SIMPLE == mode ? 0 : 1;
        final byte[] out = new byte[prefix + KEY_LENGTH + hostBytes.length];
        if (SecretMode.SECURED == mode)
        {
            out[0] = SECURED_PREFIX;
        }
        else if (SecretMode.FAKE_TLS == mode)
        {
            out[0] = FAKE_TLS_PREFIX;
        }
        System.arraycopy(key, 0, out, prefix, KEY_LENGTH);
        System.arraycopy(hostBytes, 0, out, prefix + KEY_LENGTH, hostBytes.length);
        return out;
    }

    /**
     * @return lower-case hex of {@link #toBytes()}, the form every client generation accepts in links.
     */
    public String toHex()
    {
        return Hex.encode(toBytes());
    }

    /**
     * @return base64url without padding of {@link #toBytes()}, the form mtg v2 and tdlib emit for tls secrets.
     */
    public String toBase64Url()
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(toBytes());
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof Secret))
        {
            return false;
        }
        final Secret other = (Secret)o;
        return mode == other.mode && Arrays.equals(key, other.key) && java.util.Objects.equals(host, other.host);
    }

    @Override
    public int hashCode()
    {
        return 31 * mode.hashCode() + Arrays.hashCode(key);
    }

    @Override
    public String toString()
    {
        return "Secret{mode=" + mode.cliName() + (null == host ? "" : ", host=" + host) + "}";
    }
}
