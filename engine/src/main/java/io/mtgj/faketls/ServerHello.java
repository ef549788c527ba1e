package io.mtgj.faketls;

import io.mtgj.crypto.HmacSha256;

import java.util.Random;

/**
 * The proxy's answer to a valid ClientHello (protocol.md 4.5): a TLS 1.3 style ServerHello, a ChangeCipherSpec and
 * one ApplicationData record of random length, back to back, with the server random set to the HMAC the client
 * checks.
 */
public final class ServerHello
{
    /** Smallest fake "encrypted handshake" record, as mtg v2 without measurements. */
    static final int MIN_NOISE = 2500;
    /** Spread of its length. */
    static final int NOISE_SPREAD = 2200;

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
     * @return the three records to send.
     */
    public static byte[] build(final byte[] key, final ClientHello hello, final Random random)
    {
        final byte[] sessionId = hello.sessionId();
        final int s = sessionId.length;
        final int noise = MIN_NOISE + random.nextInt(NOISE_SPREAD);
        final int handshakeRecord = TlsRecord.HEADER_LENGTH + SERVER_HELLO_FIXED + s;
        final byte[] out = new byte[handshakeRecord + CHANGE_CIPHER_SPEC.length + TlsRecord.HEADER_LENGTH + noise];
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
        at += ClientHello.RANDOM_LENGTH; // zero while the HMAC is computed
        out[at++] = (byte)s;
        System.arraycopy(sessionId, 0, out, at, s);
        at += s;
        at = putU16(out, at, hello.cipherSuite());
        out[at++] = 0x00; // compression: null
        at = putU16(out, at, 46); // extensions
        at = putU16(out, at, 0x0033); // key_share
        at = putU16(out, at, 36);
        at = putU16(out, at, 0x001d); // x25519
        at = putU16(out, at, KEY_SHARE_LENGTH);
        final byte[] keyShare = new byte[KEY_SHARE_LENGTH];
        random.nextBytes(keyShare);
        System.arraycopy(keyShare, 0, out, at, KEY_SHARE_LENGTH);
        at += KEY_SHARE_LENGTH;
        at = putU16(out, at, 0x002b); // supported_versions
        at = putU16(out, at, 2);
        at = putU16(out, at, 0x0304); // TLS 1.3
        System.arraycopy(CHANGE_CIPHER_SPEC, 0, out, at, CHANGE_CIPHER_SPEC.length);
        at += CHANGE_CIPHER_SPEC.length;
        TlsRecord.writeHeader(out, at, TlsRecord.TYPE_APPLICATION_DATA, noise);
        at += TlsRecord.HEADER_LENGTH;
        final byte[] noiseBytes = new byte[noise];
        random.nextBytes(noiseBytes);
        System.arraycopy(noiseBytes, 0, out, at, noise);

        final byte[] serverRandom = HmacSha256.mac(key, hello.random(), out);
        System.arraycopy(serverRandom, 0, out, ClientHello.RANDOM_OFFSET, ClientHello.RANDOM_LENGTH);
        return out;
    }

    private static int putU16(final byte[] bytes, final int offset, final int value)
    {
        bytes[offset] = (byte)(value >>> 8);
        bytes[offset + 1] = (byte)value;
        return offset + 2;
    }
}
