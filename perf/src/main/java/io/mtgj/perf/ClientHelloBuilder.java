package io.mtgj.perf;

import io.mtgj.secret.Secret;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds the ClientHello a Telegram app sends to an {@code ee} secret's proxy (protocol.md 4.2, 4.3), written from
 * protocol.md alone, independently of the engine's FakeTLS code.
 * <p>
 * Two shapes: the classic 517-byte hello of older tdlib/tdesktop (record length {@code 0x0200}, a padding
 * extension filling up), and the modern ~1.7-2 KB hello (an X25519MLKEM768-sized key share of random bytes, an
 * ECH-like extension, shuffled extension order, no padding). Both carry GREASE values unless told otherwise and a
 * 32-byte session id. The hello can be split over several handshake records; its random field is always the HMAC
 * of the reconstructed single record, so fragmentation changes nothing for the digest.
 * <p>
 * Deliberately bad hellos for the cloaking tests: {@link #buildWithBadDigest()}, {@link #buildWithSni(String)},
 * {@link #buildWithoutSni()} and {@link #buildAt(long)} (a stale time).
 * <p>
 * Not thread-safe; the setters return this builder.
 */
public final class ClientHelloBuilder
{
    /** Record length of the classic hello; the whole record is 517 bytes. */
    public static final int CLASSIC_RECORD_LENGTH = 0x200;
    /** Offset of the 32-byte random field in the single-record form. */
    public static final int RANDOM_OFFSET = 11;
    /** Length of the random field. */
    public static final int RANDOM_LENGTH = 32;
    /** Offset of the session-id length byte in the single-record form. */
    public static final int SESSION_ID_LENGTH_OFFSET = 43;
    /** Session-id length tdlib uses. */
    public static final int SESSION_ID_LENGTH = 32;
    /** TLS record header: type, version, BE16 length. */
    public static final int RECORD_HEADER_LENGTH = 5;
    /** Handshake header: type, BE24 length. */
    public static final int HANDSHAKE_HEADER_LENGTH = 4;
    /** X25519MLKEM768 key share: a 1184-byte ML-KEM key then a 32-byte x25519 key. */
    public static final int HYBRID_KEY_SHARE_LENGTH = 1216;
    /** mtg v2 reassembles at most about this many fragments (protocol.md 4.2). */
    public static final int MAX_FRAGMENTS = 10;

    private static final int EXT_SERVER_NAME = 0x0000;
    private static final int EXT_STATUS_REQUEST = 0x0005;
    private static final int EXT_SUPPORTED_GROUPS = 0x000a;
    private static final int EXT_EC_POINT_FORMATS = 0x000b;
    private static final int EXT_SIGNATURE_ALGORITHMS = 0x000d;
    private static final int EXT_ALPN = 0x0010;
    private static final int EXT_SCT = 0x0012;
    private static final int EXT_PADDING = 0x0015;
    private static final int EXT_EXTENDED_MASTER_SECRET = 0x0017;
    private static final int EXT_COMPRESS_CERTIFICATE = 0x001b;
    private static final int EXT_SESSION_TICKET = 0x0023;
    private static final int EXT_SUPPORTED_VERSIONS = 0x002b;
    private static final int EXT_PSK_MODES = 0x002d;
    private static final int EXT_KEY_SHARE = 0x0033;
    private static final int EXT_ECH = 0xfe0d;
    private static final int EXT_RENEGOTIATION_INFO = 0xff01;
    private static final int GROUP_X25519 = 0x001d;
    private static final int GROUP_SECP256R1 = 0x0017;
    private static final int GROUP_SECP384R1 = 0x0018;
    private static final int GROUP_X25519_MLKEM768 = 0x11ec;
    private static final int[] CIPHER_SUITES =
    {
        0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d,
        0x002f, 0x0035,
    };
    private static final int[] SIGNATURE_ALGORITHMS =
    {
        0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
    };
    private static final int[] ECH_PAYLOAD_LENGTHS = {144, 176, 208, 240};
    private static final int MODERN_PAD_BELOW = 513;

    private final byte[] key;
    private final Random random;
    private String sni;
    private long unixTime;
    private boolean modern;
    private boolean grease = true;
    private int fragments = 1;
    private byte[] sessionId;

    /**
     * @param key      the secret's 16-byte key.
     * @param sni      the server name to send; null for none.
     * @param unixTime the client's clock in unix seconds, embedded in the random field.
     * @param random   source of session id, GREASE, key shares and ordering.
     */
    public ClientHelloBuilder(final byte[] key, final String sni, final long unixTime, final Random random)
    {
        if (Secret.KEY_LENGTH != key.length)
        {
            throw new IllegalArgumentException("the key is " + Secret.KEY_LENGTH + " bytes, not " + key.length);
        }
        this.key = key.clone();
        this.sni = sni;
        this.unixTime = unixTime;
        this.random = random;
    }

    /**
     * @param secret   an {@code ee} secret: its key signs and its hostname is the SNI.
     * @param unixTime the client's clock in unix seconds.
     * @param random   source of everything random.
     * @return a builder for a valid classic hello.
     */
    public static ClientHelloBuilder forSecret(final Secret secret, final long unixTime, final Random random)
    {
        return new ClientHelloBuilder(secret.key(), secret.host(), unixTime, random);
    }

    /**
     * @param sni the server name to send, null for none.
     * @return this.
     */
    public ClientHelloBuilder sni(final String sni)
    {
        this.sni = sni;
        return this;
    }

    /**
     * @param unixTime the client's clock in unix seconds.
     * @return this.
     */
    public ClientHelloBuilder unixTime(final long unixTime)
    {
        this.unixTime = unixTime;
        return this;
    }

    /**
     * @param modern true for the large hello with a hybrid key share, false for the classic 517-byte one.
     * @return this.
     */
    public ClientHelloBuilder modern(final boolean modern)
    {
        this.modern = modern;
        return this;
    }

    /**
     * @param grease whether to put GREASE values into suites, groups, key shares, versions and extensions.
     * @return this.
     */
    public ClientHelloBuilder grease(final boolean grease)
    {
        this.grease = grease;
        return this;
    }

    /**
     * @param fragments handshake records to split the hello over, 1 (not split) to {@link #MAX_FRAGMENTS}.
     * @return this.
     */
    public ClientHelloBuilder fragments(final int fragments)
    {
        if (fragments < 1 || fragments > MAX_FRAGMENTS)
        {
            throw new IllegalArgumentException("fragments must be 1.." + MAX_FRAGMENTS + ", not " + fragments);
        }
        this.fragments = fragments;
        return this;
    }

    /**
     * @param sessionId the session id to send (0..32 bytes), or null for 32 random bytes.
     * @return this.
     */
    public ClientHelloBuilder sessionId(final byte[] sessionId)
    {
        if (null != sessionId && sessionId.length > SESSION_ID_LENGTH)
        {
            throw new IllegalArgumentException("a session id has at most 32 bytes");
        }
        this.sessionId = null == sessionId ? null : sessionId.clone();
        return this;
    }

    /**
     * @return a valid hello as configured.
     */
    public Hello build()
    {
        return build(sni, unixTime, false);
    }

    /**
     * @return a hello whose digest does not verify: the last session-id byte is flipped after signing, so the
     *         structure stays intact.
     */
    public Hello buildWithBadDigest()
    {
        return build(sni, unixTime, true);
    }

    /**
     * @param otherSni the server name to send instead of the configured one.
     * @return an otherwise valid hello for another host.
     */
    public Hello buildWithSni(final String otherSni)
    {
        return build(otherSni, unixTime, false);
    }

    /**
     * @return an otherwise valid hello without a server_name extension.
     */
    public Hello buildWithoutSni()
    {
        return build(null, unixTime, false);
    }

    /**
     * @param otherUnixTime the time to embed, e.g. one outside the proxy's tolerance.
     * @return an otherwise valid hello claiming that time.
     */
    public Hello buildAt(final long otherUnixTime)
    {
        return build(sni, otherUnixTime, false);
    }

    private Hello build(final String serverName, final long time, final boolean corrupt)
    {
        final byte[] sid = null == sessionId ? randomBytes(SESSION_ID_LENGTH) : sessionId.clone();
        final byte[] body = body(serverName, sid);
        final byte[] single = singleRecord(body);
        final byte[] digest = hmacSha256(key, single);
        for (int i = 0; i < 4; i++)
        {
            digest[RANDOM_LENGTH - 4 + i] ^= (byte)(time >>> (8 * i));
        }
        System.arraycopy(digest, 0, single, RANDOM_OFFSET, RANDOM_LENGTH);
        if (corrupt)
        {
            if (0 == sid.length)
            {
                throw new IllegalStateException("cannot corrupt an empty session id");
            }
            single[SESSION_ID_LENGTH_OFFSET + sid.length] ^= 0x01;
            sid[sid.length - 1] ^= 0x01;
        }
        final byte[] wire = 1 == fragments ? single : fragment(single, fragments);
        return new Hello(wire, single, sid, time, serverName, fragments);
    }

    private byte[] body(final String serverName, final byte[] sid)
    {
        final Writer body = new Writer();
        body.u16(0x0303);
        body.bytes(new byte[RANDOM_LENGTH]);
        body.u8(sid.length);
        body.bytes(sid);

        body.u16(2 * CIPHER_SUITES.length + (grease ? 2 : 0));
        if (grease)
        {
            body.u16(greaseValue());
        }
        for (final int suite : CIPHER_SUITES)
        {
            body.u16(suite);
        }
        body.u8(1);
        body.u8(0);

        final byte[] extensions = extensions(serverName, body.length() + 2);
        body.u16(extensions.length);
        body.bytes(extensions);
        return body.toByteArray();
    }

    private byte[] extensions(final String serverName, final int bodyLengthBeforeExtensions)
    {
        final List<byte[]> middle = new ArrayList<>();
        if (null != serverName)
        {
            final byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
            final Writer data = new Writer();
            data.u16(3 + name.length);
            data.u8(0);
            data.u16(name.length);
            data.bytes(name);
            middle.add(extension(EXT_SERVER_NAME, data.toByteArray()));
        }
        middle.add(extension(EXT_EXTENDED_MASTER_SECRET, new byte[0]));
        middle.add(extension(EXT_RENEGOTIATION_INFO, new byte[] {0}));
        middle.add(extension(EXT_SUPPORTED_GROUPS, supportedGroups()));
        middle.add(extension(EXT_EC_POINT_FORMATS, new byte[] {1, 0}));
        middle.add(extension(EXT_SESSION_TICKET, new byte[0]));
        middle.add(extension(EXT_ALPN, alpn()));
        middle.add(extension(EXT_STATUS_REQUEST, new byte[] {1, 0, 0, 0, 0}));
        middle.add(extension(EXT_SIGNATURE_ALGORITHMS, signatureAlgorithms()));
        middle.add(extension(EXT_SCT, new byte[0]));
        middle.add(extension(EXT_KEY_SHARE, keyShares()));
        middle.add(extension(EXT_PSK_MODES, new byte[] {1, 1}));
        middle.add(extension(EXT_SUPPORTED_VERSIONS, supportedVersions()));
        middle.add(extension(EXT_COMPRESS_CERTIFICATE, new byte[] {2, 0, 2}));
        if (modern)
        {
            middle.add(extension(EXT_ECH, echOuter()));
            // Current clients randomise the extension order (protocol.md 4.2).
            Collections.shuffle(middle, random);
        }

        final Writer all = new Writer();
        if (grease)
        {
            all.bytes(extension(greaseValue(), new byte[0]));
        }
        for (final byte[] ext : middle)
        {
            all.bytes(ext);
        }
        if (grease)
        {
            all.bytes(extension(greaseValue(), new byte[] {0}));
        }
        final int handshakeLength = bodyLengthBeforeExtensions + all.length();
        if (!modern)
        {
            final int classicBody = CLASSIC_RECORD_LENGTH - HANDSHAKE_HEADER_LENGTH;
            final int padding = classicBody - handshakeLength - 4;
            if (padding < 0)
            {
                throw new IllegalArgumentException("the server name is too long for a 517-byte hello");
            }
            all.bytes(extension(EXT_PADDING, new byte[padding]));
        }
        else if (handshakeLength + HANDSHAKE_HEADER_LENGTH < MODERN_PAD_BELOW)
        {
            // Modern clients pad only short hellos, up to 513 bytes (protocol.md 4.2); never the case with the
            // hybrid key share, kept for a client that would drop it.
            final int padding = Math.max(0, MODERN_PAD_BELOW - handshakeLength - HANDSHAKE_HEADER_LENGTH - 4);
            all.bytes(extension(EXT_PADDING, new byte[padding]));
        }
        return all.toByteArray();
    }

    private byte[] supportedGroups()
    {
        final Writer groups = new Writer();
        if (grease)
        {
            groups.u16(greaseValue());
        }
        if (modern)
        {
            groups.u16(GROUP_X25519_MLKEM768);
        }
        groups.u16(GROUP_X25519);
        groups.u16(GROUP_SECP256R1);
        groups.u16(GROUP_SECP384R1);
        return lengthPrefixed16(groups.toByteArray());
    }

    private static byte[] alpn()
    {
        final Writer protocols = new Writer();
        for (final String protocol : new String[] {"h2", "http/1.1"})
        {
            final byte[] name = protocol.getBytes(StandardCharsets.US_ASCII);
            protocols.u8(name.length);
            protocols.bytes(name);
        }
        return lengthPrefixed16(protocols.toByteArray());
    }

    private static byte[] signatureAlgorithms()
    {
        final Writer algorithms = new Writer();
        for (final int algorithm : SIGNATURE_ALGORITHMS)
        {
            algorithms.u16(algorithm);
        }
        return lengthPrefixed16(algorithms.toByteArray());
    }

    private byte[] keyShares()
    {
        // Nobody on the path inspects the shares (protocol.md 4.5), so random bytes stand in for public keys.
        final Writer shares = new Writer();
        if (grease)
        {
            shares.u16(greaseValue());
            shares.u16(1);
            shares.u8(0);
        }
        if (modern)
        {
            shares.u16(GROUP_X25519_MLKEM768);
            shares.u16(HYBRID_KEY_SHARE_LENGTH);
            shares.bytes(randomBytes(HYBRID_KEY_SHARE_LENGTH));
        }
        shares.u16(GROUP_X25519);
        shares.u16(32);
        shares.bytes(randomBytes(32));
        return lengthPrefixed16(shares.toByteArray());
    }

    private byte[] supportedVersions()
    {
        final Writer versions = new Writer();
        if (grease)
        {
            versions.u16(greaseValue());
        }
        versions.u16(0x0304);
        versions.u16(0x0303);
        if (!modern)
        {
            versions.u16(0x0302);
            versions.u16(0x0301);
        }
        final byte[] list = versions.toByteArray();
        final Writer out = new Writer();
        out.u8(list.length);
        out.bytes(list);
        return out.toByteArray();
    }

    private byte[] echOuter()
    {
        final int payloadLength = ECH_PAYLOAD_LENGTHS[random.nextInt(ECH_PAYLOAD_LENGTHS.length)];
        final Writer ech = new Writer();
        ech.u8(0);
        ech.u16(0x0001);
        ech.u16(0x0001);
        ech.u8(random.nextInt(256));
        ech.u16(32);
        ech.bytes(randomBytes(32));
        ech.u16(payloadLength);
        ech.bytes(randomBytes(payloadLength));
        return ech.toByteArray();
    }

    private int greaseValue()
    {
        final int nibble = random.nextInt(16);
        return (nibble << 12) | 0x0a00 | (nibble << 4) | 0x0a;
    }

    private byte[] randomBytes(final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * @param body the ClientHello body, i.e. everything after the 4-byte handshake header.
     * @return {@code 16 03 01 BE16(4+H) 01 BE24(H) body}, the form the HMAC covers (protocol.md 4.2).
     */
    public static byte[] singleRecord(final byte[] body)
    {
        final Writer record = new Writer();
        record.u8(0x16);
        record.u16(0x0301);
        record.u16(HANDSHAKE_HEADER_LENGTH + body.length);
        record.u8(0x01);
        record.u24(body.length);
        record.bytes(body);
        return record.toByteArray();
    }

    /**
     * Split the handshake message of a single-record hello over {@code count} records of near-equal size.
     *
     * @param single a single-record hello.
     * @param count  records wanted.
     * @return the records back to back.
     */
    static byte[] fragment(final byte[] single, final int count)
    {
        final int messageLength = single.length - RECORD_HEADER_LENGTH;
        if (count > messageLength)
        {
            throw new IllegalArgumentException("more fragments than bytes");
        }
        final Writer out = new Writer();
        int offset = RECORD_HEADER_LENGTH;
        for (int i = 0; i < count; i++)
        {
            final int length = messageLength / count + (i < messageLength % count ? 1 : 0);
            out.u8(0x16);
            out.u16(0x0301);
            out.u16(length);
            out.bytes(single, offset, length);
            offset += length;
        }
        return out.toByteArray();
    }

    /**
     * @param key     HMAC key.
     * @param message the message.
     * @return HMAC-SHA256(key, message).
     */
    static byte[] hmacSha256(final byte[] key, final byte[] message)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        }
        catch (final NoSuchAlgorithmException | InvalidKeyException ex)
        {
            throw new IllegalStateException("HmacSHA256 is not available", ex);
        }
    }

    private static byte[] extension(final int type, final byte[] data)
    {
        final Writer ext = new Writer();
        ext.u16(type);
        ext.u16(data.length);
        ext.bytes(data);
        return ext.toByteArray();
    }

    private static byte[] lengthPrefixed16(final byte[] data)
    {
        final Writer out = new Writer();
        out.u16(data.length);
        out.bytes(data);
        return out.toByteArray();
    }

    /**
     * A built hello: its wire bytes and the values the client needs to check the proxy's reply.
     */
    public static final class Hello
    {
        private final byte[] wire;
        private final byte[] singleRecord;
        private final byte[] sessionId;
        private final long unixTime;
        private final String sni;
        private final int fragments;

        Hello(final byte[] wire, final byte[] singleRecord, final byte[] sessionId, final long unixTime,
            final String sni, final int fragments)
        {
            this.wire = wire;
            this.singleRecord = singleRecord;
            this.sessionId = sessionId;
            this.unixTime = unixTime;
            this.sni = sni;
            this.fragments = fragments;
        }

        /**
         * @return a copy of the bytes to send (all fragments).
         */
        public byte[] wire()
        {
            return wire.clone();
        }

        /**
         * @return a copy of the equivalent single record, random included (identical to {@link #wire()} when
         *         not fragmented).
         */
        public byte[] singleRecord()
        {
            return singleRecord.clone();
        }

        /**
         * @return a copy of the 32-byte random field as sent, which the ServerHello digest covers.
         */
        public byte[] clientRandom()
        {
            final byte[] out = new byte[RANDOM_LENGTH];
            System.arraycopy(singleRecord, RANDOM_OFFSET, out, 0, RANDOM_LENGTH);
            return out;
        }

        /**
         * @return a copy of the session id the proxy must echo.
         */
        public byte[] sessionId()
        {
            return sessionId.clone();
        }

        /**
         * @return the embedded unix time.
         */
        public long unixTime()
        {
            return unixTime;
        }

        /**
         * @return the server name sent, or null.
         */
        public String sni()
        {
            return sni;
        }

        /**
         * @return how many handshake records carry the hello.
         */
        public int fragments()
        {
            return fragments;
        }
    }

    /**
     * A big-endian byte writer for building handshake messages.
     */
    static final class Writer
    {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(2048);

        void u8(final int value)
        {
            out.write(value);
        }

        void u16(final int value)
        {
            out.write(value >>> 8);
            out.write(value);
        }

        void u24(final int value)
        {
            out.write(value >>> 16);
            out.write(value >>> 8);
            out.write(value);
        }

        void bytes(final byte[] bytes)
        {
            out.write(bytes, 0, bytes.length);
        }

        void bytes(final byte[] bytes, final int offset, final int length)
        {
            out.write(bytes, offset, length);
        }

        int length()
        {
            return out.size();
        }

        byte[] toByteArray()
        {
            return out.toByteArray();
        }
    }
}
