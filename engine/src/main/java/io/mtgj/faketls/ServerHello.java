package io.mtgj.faketls;

import io.mtgj.crypto.HmacSha256;

import java.util.Arrays;
import java.util.Random;

/**
 * The proxy's answer to a valid ClientHello (protocol.md 4.5): a TLS 1.3 style ServerHello, a ChangeCipherSpec and
 * one ApplicationData record of random length, back to back, with the server random set to the HMAC the client
 * checks. With a {@link ServerHelloShape} learned from the cloak host, the answer takes the host's cipher suite (when
 * the client offered it), its extension order and its first flight's length, a few percent either way.
 */
public final class ServerHello
{
    /** Smallest fake "encrypted handshake" record, as mtg v2 without measurements. */
    static final int MIN_NOISE = 2500;
    /** Spread of its length. */
    static final int NOISE_SPREAD = 2200;
    /** A learned first flight varies by this much either way ... */
    static final int JITTER_PERCENT = 3;
    /** ... and at least by this many bytes. */
    static final int MIN_JITTER = 16;

    private static final int SERVER_HELLO_FIXED = 90; // handshake record body without the session id
    private static final byte[] CHANGE_CIPHER_SPEC = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
    private static final int KEY_SHARE_LENGTH = 32;

    private ServerHello()
    {
    }

    /**
     * @param key    the secret's 16-byte key.
     * @param hello  the validated ClientHello.
     * @param random source of the key share, the noise length and bytes.
     * @return the three records to send, in the built-in shape.
     */
    public static byte[] build(final byte[] key, final ClientHello hello, final Random random)
    {
        return build(key, hello, random, null);
    }

    /**
     * Build the answer in place in one array, as large as the answer: random bytes first (key share and noise),
     * then the structure over them, then the HMAC (protocol.md 4.5).
     *
     * @param key    the secret's 16-byte key.
     * @param hello  the validated ClientHello.
     * @param random source of the key share, the noise length and bytes.
     * @param shape  the cloak host's answer to copy, or null for the built-in shape.
     * @return the three records to send.
     */
    public static byte[] build(final byte[] key, final ClientHello hello, final Random random,
        final ServerHelloShape shape)
    {
        final byte[] sessionId = hello.sessionId();
        final int s = sessionId.length;
        final int noise = null == shape ? MIN_NOISE + random.nextInt(NOISE_SPREAD) : jittered(shape, random);
        final int suite = null != shape && hello.offersCipherSuite(shape.cipherSuite()) ?
            shape.cipherSuite() : hello.cipherSuite();
        final boolean keyShareFirst = null == shape || shape.isKeyShareFirst();
        final int handshakeRecord = TlsRecord.HEADER_LENGTH + SERVER_HELLO_FIXED + s;
        final byte[] out = new byte[handshakeRecord + CHANGE_CIPHER_SPEC.length + TlsRecord.HEADER_LENGTH + noise];
        random.nextBytes(out);
        int at = 0;
        out[at++] = TlsRecord.TYPE_HANDSHAKE;
        out[at++] = 0x03;
        out[at++] = 0x03;
        at = putU16(out, at, SERVER_HELLO_FIXED + s);
        out[at++] = 0x02; // ServerHello
        out[at++] = 0;
        at = putU16(out, at, SERVER_HELLO_FIXED - 4 + s);
        out[at++] = 0x03;
        out[at++] = 0x03;
        Arrays.fill(out, at, at + ClientHello.RANDOM_LENGTH, (byte)0); // zero while the HMAC is computed
        at += ClientHello.RANDOM_LENGTH;
        out[at++] = (byte)s;
        System.arraycopy(sessionId, 0, out, at, s);
        at += s;
        at = putU16(out, at, suite);
        out[at++] = 0x00; // compression: null
        at = putU16(out, at, 46); // extensions
        if (keyShareFirst)
        {
            at = putSupportedVersions(out, putKeyShare(out, at));
        }
        else
        {
            at = putKeyShare(out, putSupportedVersions(out, at));
        }
        System.arraycopy(CHANGE_CIPHER_SPEC, 0, out, at, CHANGE_CIPHER_SPEC.length);
        at += CHANGE_CIPHER_SPEC.length;
        TlsRecord.writeHeader(out, at, TlsRecord.TYPE_APPLICATION_DATA, noise); // random bytes follow

        final byte[] serverRandom = HmacSha256.mac(key, hello.random(), out);
        System.arraycopy(serverRandom, 0, out, ClientHello.RANDOM_OFFSET, ClientHello.RANDOM_LENGTH);
        return out;
    }

    /**
     * @return the host's first flight length, a few percent either way: the same chain never encrypts to quite the
     *         same length twice (session tickets, OCSP staples, padding), and a constant would be a fingerprint.
     */
    static int jittered(final ServerHelloShape shape, final Random random)
    {
        final int base = shape.flightLength();
        final int spread = Math.max(MIN_JITTER, base * JITTER_PERCENT / 100);
        final int length = base - spread + random.nextInt(2 * spread + 1);
        return Math.max(ServerHelloShape.MIN_FLIGHT, Math.min(ServerHelloShape.MAX_CIPHERTEXT, length));
    }

    /** key_share: group x25519 and a 32-byte public key, whose random bytes are already in place. */
    private static int putKeyShare(final byte[] out, final int offset)
    {
        int at = putU16(out, offset, ServerHelloShape.EXTENSION_KEY_SHARE);
        at = putU16(out, at, 4 + KEY_SHARE_LENGTH);
        at = putU16(out, at, 0x001d); // x25519: every client offers it, whatever group the host picked
        at = putU16(out, at, KEY_SHARE_LENGTH);
        return at + KEY_SHARE_LENGTH;
    }

    /** supported_versions: TLS 1.3. */
    private static int putSupportedVersions(final byte[] out, final int offset)
    {
        int at = putU16(out, offset, ServerHelloShape.EXTENSION_SUPPORTED_VERSIONS);
        at = putU16(out, at, 2);
        return putU16(out, at, 0x0304);
    }

    private static int putU16(final byte[] bytes, final int offset, final int value)
    {
        bytes[offset] = (byte)(value >>> 8);
        bytes[offset + 1] = (byte)value;
        return offset + 2;
    }
}
