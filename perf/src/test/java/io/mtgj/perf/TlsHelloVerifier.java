package io.mtgj.perf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small, test-only ClientHello checker written from protocol.md 4.2-4.4, used to prove the hellos of
 * {@link ClientHelloBuilder} and the vector file are what a proxy accepts or rejects. Order as in mtg v2: structure,
 * SNI, digest, timestamp. Not the engine's validator, and not meant to be fast.
 */
final class TlsHelloVerifier
{
    /** mtg v2 reassembles about this many fragments at most (protocol.md 4.2). */
    static final int MAX_FRAGMENTS = 10;

    enum Status
    {
        OK,
        MALFORMED,
        BAD_SNI,
        BAD_DIGEST,
        STALE
    }

    /**
     * What the check found; fields past the failing step are left empty.
     */
    static final class Verdict
    {
        Status status;
        int records;
        byte[] singleRecord;
        byte[] random;
        byte[] sessionId;
        int cipherSuite = -1;
        final List<String> serverNames = new ArrayList<>();
        long unixTime = -1;

        @Override
        public String toString()
        {
            return status + " records=" + records + " names=" + serverNames + " time=" + unixTime;
        }
    }

    private TlsHelloVerifier()
    {
    }

    /**
     * @param wire       the hello as sent: one or more {@code 16 03 01} records and nothing else.
     * @param key        the secret's 16-byte key.
     * @param host       the secret's hostname.
     * @param nowS       the proxy's clock.
     * @param toleranceS allowed |now - ts|.
     * @return the verdict.
     */
    static Verdict verify(final byte[] wire, final byte[] key, final String host, final long nowS,
        final long toleranceS)
    {
        final Verdict verdict = new Verdict();
        verdict.singleRecord = reassemble(wire, verdict);
        if (null == verdict.singleRecord || !parseBody(verdict.singleRecord, verdict))
        {
            verdict.status = Status.MALFORMED;
            return verdict;
        }
        if (!verdict.serverNames.contains(host))
        {
            verdict.status = Status.BAD_SNI;
            return verdict;
        }
        final byte[] zeroed = verdict.singleRecord.clone();
        Arrays.fill(zeroed, ClientHelloBuilder.RANDOM_OFFSET,
            ClientHelloBuilder.RANDOM_OFFSET + ClientHelloBuilder.RANDOM_LENGTH, (byte)0);
        final byte[] digest = ClientHelloBuilder.hmacSha256(key, zeroed);
        int difference = 0;
        for (int i = 0; i < 28; i++)
        {
            difference |= digest[i] ^ verdict.random[i];
        }
        if (0 != difference)
        {
            verdict.status = Status.BAD_DIGEST;
            return verdict;
        }
        long time = 0;
        for (int i = 3; i >= 0; i--)
        {
            time = (time << 8) | ((digest[28 + i] ^ verdict.random[28 + i]) & 0xff);
        }
        verdict.unixTime = time;
        verdict.status = Math.abs(nowS - time) > toleranceS ? Status.STALE : Status.OK;
        return verdict;
    }

    /**
     * @return {@code 16 03 01 BE16(4+H) 01 BE24(H) body} built from the records, or null when they are not a
     *         complete hello with nothing after it.
     */
    static byte[] reassemble(final byte[] wire, final Verdict verdict)
    {
        final byte[] message = new byte[wire.length];
        int messageLength = 0;
        int offset = 0;
        int wanted = -1;
        while (offset < wire.length && verdict.records < MAX_FRAGMENTS)
        {
            if (wire.length - offset < 5 || 0x16 != wire[offset] || 0x03 != wire[offset + 1] ||
                0x01 != wire[offset + 2])
            {
                return null;
            }
            final int length = u16(wire, offset + 3);
            if (0 == length || wire.length - offset - 5 < length)
            {
                return null;
            }
            System.arraycopy(wire, offset + 5, message, messageLength, length);
            messageLength += length;
            offset += 5 + length;
            verdict.records++;
            if (messageLength >= 4)
            {
                wanted = 4 + u24(message, 1);
                if (messageLength >= wanted)
                {
                    break;
                }
            }
        }
        if (offset != wire.length || wanted != messageLength || 0x01 != message[0] || wanted > 0xffff)
        {
            return null;
        }
        final byte[] single = new byte[5 + messageLength];
        single[0] = 0x16;
        single[1] = 0x03;
        single[2] = 0x01;
        single[3] = (byte)(messageLength >>> 8);
        single[4] = (byte)messageLength;
        System.arraycopy(message, 0, single, 5, messageLength);
        return single;
    }

    private static boolean parseBody(final byte[] single, final Verdict verdict)
    {
        final int end = single.length;
        int at = 9;
        if (end < at + 2 + 32 + 1)
        {
            return false;
        }
        at += 2;
        verdict.random = Arrays.copyOfRange(single, at, at + 32);
        at += 32;
        final int sessionIdLength = single[at++] & 0xff;
        if (sessionIdLength > 32 || end < at + sessionIdLength + 2)
        {
            return false;
        }
        verdict.sessionId = Arrays.copyOfRange(single, at, at + sessionIdLength);
        at += sessionIdLength;
        final int suitesLength = u16(single, at);
        at += 2;
        if (0 == suitesLength || 0 != (suitesLength & 1) || end < at + suitesLength + 1)
        {
            return false;
        }
        for (int i = 0; i < suitesLength && verdict.cipherSuite < 0; i += 2)
        {
            final int suite = u16(single, at + i);
            if (0x0a0a != (suite & 0x0f0f))
            {
                verdict.cipherSuite = suite;
            }
        }
        at += suitesLength;
        final int compressionLength = single[at++] & 0xff;
        at += compressionLength;
        if (verdict.cipherSuite < 0 || end < at + 2)
        {
            return false;
        }
        final int extensionsLength = u16(single, at);
        at += 2;
        if (end != at + extensionsLength)
        {
            return false;
        }
        while (at < end)
        {
            if (end - at < 4)
            {
                return false;
            }
            final int type = u16(single, at);
            final int length = u16(single, at + 2);
            at += 4;
            if (end - at < length)
            {
                return false;
            }
            if (0x0000 == type && !parseServerNames(single, at, length, verdict.serverNames))
            {
                return false;
            }
            at += length;
        }
        return true;
    }

    private static boolean parseServerNames(final byte[] bytes, final int offset, final int length,
        final List<String> names)
    {
        if (length < 2 || u16(bytes, offset) != length - 2)
        {
            return false;
        }
        int at = offset + 2;
        final int end = offset + length;
        while (at < end)
        {
            if (end - at < 3 || 0 != bytes[at])
            {
                return false;
            }
            final int nameLength = u16(bytes, at + 1);
            at += 3;
            if (end - at < nameLength)
            {
                return false;
            }
            names.add(new String(bytes, at, nameLength, StandardCharsets.US_ASCII));
            at += nameLength;
        }
        return true;
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
