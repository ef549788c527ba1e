package io.mtgj.faketls;

import io.mtgj.crypto.HmacSha256;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A FakeTLS ClientHello (protocol.md 4.2-4.4): measured as it arrives, reassembled when split over several
 * handshake records, parsed structurally, then checked (SNI, HMAC, timestamp). Works on a copy of the bytes, so
 * the original stream stays untouched for fronting.
 */
public final class ClientHello
{
    /** {@link #measure} needs more bytes. */
    public static final int NEED_MORE = -1;
    /** {@link #measure}: not a TLS handshake record at all. */
    public static final int NOT_TLS = -2;
    /** {@link #measure}: TLS, but not a ClientHello we accept. */
    public static final int MALFORMED = -3;
    /** {@link #provenTime} for a key the hello was not made with. */
    public static final long NOT_PROVEN = -1;

    static final int RANDOM_OFFSET = 11;
    static final int RANDOM_LENGTH = 32;
    private static final int MAX_FRAGMENTS = 10;
    private static final int SSL3_VERSION = 0x0300;
    private static final int MAX_HANDSHAKE_LENGTH = 64 * 1024;
    private static final int HANDSHAKE_TYPE_CLIENT_HELLO = 1;
    private static final int HANDSHAKE_HEADER_LENGTH = 4;
    private static final int EXTENSION_SNI = 0;
    private static final int DIGEST_PREFIX_LENGTH = 28;

    private final byte[] record;
    private final byte[] random;
    private final byte[] sessionId;
    private final int cipherSuite;
    private final int suitesOffset;
    private final int suitesLength;
    private final byte[][] serverNames;
    /** The hello with its random zeroed, as the client's HMAC covers it; made on the first check. */
    private byte[] zeroed;

    private ClientHello(
        final byte[] record, final byte[] random, final byte[] sessionId, final int cipherSuite,
        final int suitesOffset, final int suitesLength, final byte[][] serverNames)
    {
        this.record = record;
        this.random = random;
        this.sessionId = sessionId;
        this.cipherSuite = cipherSuite;
        this.suitesOffset = suitesOffset;
        this.suitesLength = suitesLength;
        this.serverNames = serverNames;
    }

    /**
     * How many bytes at the start of a stream the hello occupies, reading every handshake record it spans.
     *
     * @param raw    the stream's first bytes.
     * @param length bytes available.
     * @return the hello's length in bytes (records included), or {@link #NEED_MORE}, {@link #NOT_TLS},
     *         {@link #MALFORMED}.
     */
    public static int measure(final byte[] raw, final int length)
    {
        if (length < 1)
        {
            return NEED_MORE;
        }
        if (raw[0] != TlsRecord.TYPE_HANDSHAKE)
        {
            return NOT_TLS;
        }
        int offset = 0;
        int collected = 0;
        int needed = -1;
        for (int fragment = 0; fragment < MAX_FRAGMENTS; fragment++)
        {
            if (length - offset < TlsRecord.HEADER_LENGTH)
            {
                return NEED_MORE;
            }
            // Any TLS record version here: ours send 03 01, browsers and JDKs 03 01 or 03 03; the HMAC decides.
            final int version = u16(raw, offset + 1);
            if (raw[offset] != TlsRecord.TYPE_HANDSHAKE || version < SSL3_VERSION || version > TlsRecord.VERSION_TLS12)
            {
                return 0 == fragment && raw[offset] != TlsRecord.TYPE_HANDSHAKE ? NOT_TLS : MALFORMED;
            }
            final int recordLength = u16(raw, offset + 3);
            if (0 == recordLength || recordLength > TlsRecord.MAX_PAYLOAD)
            {
                return MALFORMED;
            }
            final int bodyStart = offset + TlsRecord.HEADER_LENGTH;
            if (needed < 0)
            {
                if (length - bodyStart < HANDSHAKE_HEADER_LENGTH)
                {
                    return NEED_MORE;
                }
                if (recordLength < HANDSHAKE_HEADER_LENGTH || raw[bodyStart] != HANDSHAKE_TYPE_CLIENT_HELLO)
                {
                    return MALFORMED;
                }
                needed = HANDSHAKE_HEADER_LENGTH + u24(raw, bodyStart + 1);
                if (needed > MAX_HANDSHAKE_LENGTH)
                {
                    return MALFORMED;
                }
            }
            collected += recordLength;
            offset = bodyStart + recordLength;
            if (collected > needed)
            {
                return MALFORMED; // trailing bytes after the hello inside its record
            }
            if (collected == needed)
            {
                return length >= offset ? offset : NEED_MORE;
            }
        }
        return MALFORMED;
    }

    /**
     * Parse a measured hello.
     *
     * @param raw    the stream's first bytes.
     * @param length the hello's length from {@link #measure}.
     * @return the hello, or null when its structure is not a ClientHello.
     */
    public static ClientHello parse(final byte[] raw, final int length)
    {
        final byte[] record = reassemble(raw, length);
        try
        {
            int offset = TlsRecord.HEADER_LENGTH + HANDSHAKE_HEADER_LENGTH + 2; // record, handshake, version
            final byte[] random = Arrays.copyOfRange(record, offset, offset + RANDOM_LENGTH);
            offset += RANDOM_LENGTH;
            final int sessionIdLength = record[offset] & 0xff;
            if (sessionIdLength > 32)
            {
                return null;
            }
            final byte[] sessionId = Arrays.copyOfRange(record, offset + 1, offset + 1 + sessionIdLength);
            offset += 1 + sessionIdLength;
            final int suitesLength = u16(record, offset);
            offset += 2;
            check(record, offset, suitesLength);
            final int suitesOffset = offset;
            int cipherSuite = -1;
            for (int i = 0; i + 1 < suitesLength; i += 2)
            {
                final int suite = u16(record, offset + i);
                if ((suite & 0x0f0f) != 0x0a0a)
                {
                    cipherSuite = suite;
                    break;
                }
            }
            offset += suitesLength;
            final int compressionLength = record[offset] & 0xff;
            offset += 1 + compressionLength;
            final int extensionsLength = u16(record, offset);
            offset += 2;
            final int extensionsEnd = offset + extensionsLength;
            check(record, offset, extensionsLength);
            byte[][] serverNames = new byte[0][];
            while (offset + 4 <= extensionsEnd)
            {
                final int type = u16(record, offset);
                final int extensionLength = u16(record, offset + 2);
                offset += 4;
                check(record, offset, extensionLength);
                if (offset + extensionLength > extensionsEnd)
                {
                    return null;
                }
                if (EXTENSION_SNI == type)
                {
                    serverNames = serverNames(record, offset, extensionLength);
                    if (null == serverNames)
                    {
                        return null;
                    }
                }
                offset += extensionLength;
            }
            if (offset != extensionsEnd || extensionsEnd > record.length)
            {
                return null;
            }
            return new ClientHello(record, random, sessionId, cipherSuite, suitesOffset, suitesLength, serverNames);
        }
        catch (final IndexOutOfBoundsException ex)
        {
            return null; // a length field pointed past the hello
        }
    }

    /**
     * Check the hello against the secret.
     *
     * @param key         the secret's 16-byte key.
     * @param host        the secret's hostname.
     * @param nowSec      our clock, unix seconds.
     * @param toleranceSec how far the client's clock may be from ours.
     * @return {@link HelloVerdict#OK} for a client of this secret, else why not.
     */
    public HelloVerdict verify(final byte[] key, final String host, final long nowSec, final long toleranceSec)
    {
        if (cipherSuite < 0)
        {
            return HelloVerdict.MALFORMED;
        }
        if (!hasServerName(host))
        {
            return HelloVerdict.BAD_SNI;
        }
        final long timestamp = provenTime(key);
        if (NOT_PROVEN == timestamp)
        {
            return HelloVerdict.BAD_DIGEST;
        }
        return isTimely(timestamp, nowSec, toleranceSec) ? HelloVerdict.OK : HelloVerdict.BAD_TIME;
    }

    /**
     * Whether the hello's random is the HMAC of this key (protocol.md 4.1), the first check of {@link #verify}, for
     * a proxy that tries many keys on one hello.
     *
     * @param key a secret's 16-byte key.
     * @return the client's unix time carried in the random when it is, else {@link #NOT_PROVEN}.
     */
    public long provenTime(final byte[] key)
    {
        if (null == zeroed)
        {
            zeroed = record.clone();
            Arrays.fill(zeroed, RANDOM_OFFSET, RANDOM_OFFSET + RANDOM_LENGTH, (byte)0);
        }
        final byte[] digest = HmacSha256.mac(key, zeroed, 0, zeroed.length);
        int diff = 0;
        for (int i = 0; i < DIGEST_PREFIX_LENGTH; i++)
        {
            diff |= digest[i] ^ random[i];
        }
        if (0 != diff)
        {
            return NOT_PROVEN;
        }
        return ((digest[28] ^ random[28]) & 0xffL) | ((digest[29] ^ random[29]) & 0xffL) << 8 |
            ((digest[30] ^ random[30]) & 0xffL) << 16 | ((digest[31] ^ random[31]) & 0xffL) << 24;
    }

    /**
     * @param timestamp    the client's time from {@link #provenTime}.
     * @param nowSec       our clock, unix seconds.
     * @param toleranceSec how far the client's clock may be from ours, either way.
     * @return whether the client's time is inside the window.
     */
    public static boolean isTimely(final long timestamp, final long nowSec, final long toleranceSec)
    {
        return isTimely(timestamp, nowSec, toleranceSec, toleranceSec);
    }

    /**
     * @param timestamp the client's time from {@link #provenTime}.
     * @param nowSec    our clock, unix seconds.
     * @param pastSec   how far behind ours the client's clock may be.
     * @param futureSec how far ahead of ours the client's clock may be.
     * @return whether the client's time is inside the window, both ends included.
     */
    public static boolean isTimely(final long timestamp, final long nowSec, final long pastSec, final long futureSec)
    {
        final long skewSec = skewSeconds(timestamp, nowSec);
        return skewSec >= -pastSec && skewSec <= futureSec;
    }

    /**
     * @param timestamp the client's time from {@link #provenTime}.
     * @param nowSec    our clock, unix seconds.
     * @return the client's clock minus ours, seconds: negative when the client is behind.
     */
    public static long skewSeconds(final long timestamp, final long nowSec)
    {
        return timestamp - nowSec;
    }

    /**
     * @return how many server names the hello's SNI extension carries.
     */
    public int serverNameCount()
    {
        return serverNames.length;
    }

    /**
     * @param index which, from 0.
     * @return that server name as ASCII text.
     */
    public String serverName(final int index)
    {
        return new String(serverNames[index], StandardCharsets.US_ASCII);
    }

    private boolean hasServerName(final String host)
    {
        final byte[] wanted = host.getBytes(StandardCharsets.US_ASCII);
        for (final byte[] name : serverNames)
        {
            if (Arrays.equals(name, wanted))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the 32-byte client random as received.
     */
    public byte[] random()
    {
        return random.clone();
    }

    /**
     * @return the session id, echoed by the ServerHello.
     */
    public byte[] sessionId()
    {
        return sessionId.clone();
    }

    /**
     * @return the first non-GREASE cipher suite, echoed by the ServerHello; -1 when there is none.
     */
    public int cipherSuite()
    {
        return cipherSuite;
    }

    /**
     * @param suite a cipher suite.
     * @return whether the client offered it.
     */
    public boolean offersCipherSuite(final int suite)
    {
        for (int i = 0; i + 1 < suitesLength; i += 2)
        {
            if (u16(record, suitesOffset + i) == suite)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Join the handshake records into one record {@code 16 03 01 BE16(4+H) 01 BE24(H) body}: with its random
     * zeroed, the bytes the client's HMAC covers (protocol.md 4.2, 4.3).
     */
    private static byte[] reassemble(final byte[] raw, final int length)
    {
        int bodyLength = 0;
        for (int offset = 0; offset < length; offset += TlsRecord.HEADER_LENGTH + u16(raw, offset + 3))
        {
            bodyLength += u16(raw, offset + 3);
        }
        final byte[] record = new byte[TlsRecord.HEADER_LENGTH + bodyLength];
        record[0] = TlsRecord.TYPE_HANDSHAKE;
        record[1] = 0x03;
        record[2] = 0x01;
        record[3] = (byte)(bodyLength >>> 8);
        record[4] = (byte)bodyLength;
        int out = TlsRecord.HEADER_LENGTH;
        for (int offset = 0; offset < length; offset += TlsRecord.HEADER_LENGTH + u16(raw, offset + 3))
        {
            final int fragment = u16(raw, offset + 3);
            System.arraycopy(raw, offset + TlsRecord.HEADER_LENGTH, record, out, fragment);
            out += fragment;
        }
        return record;
    }

    private static byte[][] serverNames(final byte[] record, final int offset, final int length)
    {
        final int listLength = u16(record, offset);
        if (listLength + 2 != length)
        {
            return null;
        }
        int count = 0;
        byte[][] names = new byte[2][];
        int at = offset + 2;
        while (at < offset + length)
        {
            final int nameType = record[at] & 0xff;
            final int nameLength = u16(record, at + 1);
            at += 3;
            if (0 != nameType || at + nameLength > offset + length)
            {
                return null;
            }
            if (count == names.length)
            {
                names = Arrays.copyOf(names, count * 2);
            }
            names[count++] = Arrays.copyOfRange(record, at, at + nameLength);
            at += nameLength;
        }
        return Arrays.copyOf(names, count);
    }

    private static void check(final byte[] bytes, final int offset, final int length)
    {
        if (offset + length > bytes.length)
        {
            throw new IndexOutOfBoundsException();
        }
    }

    static int u16(final byte[] bytes, final int offset)
    {
        return (bytes[offset] & 0xff) << 8 | (bytes[offset + 1] & 0xff);
    }

    private static int u24(final byte[] bytes, final int offset)
    {
        return (bytes[offset] & 0xff) << 16 | (bytes[offset + 1] & 0xff) << 8 | (bytes[offset + 2] & 0xff);
    }
}
