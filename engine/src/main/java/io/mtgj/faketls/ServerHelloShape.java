package io.mtgj.faketls;

import java.util.Arrays;

/**
 * What a real TLS 1.3 server answered a ClientHello with, as far as a FakeTLS answer can copy it (protocol.md 4.5):
 * the cipher suite it picked, the ServerHello's extensions in order, whether a ChangeCipherSpec followed, and the
 * lengths of the encrypted records of its first flight (EncryptedExtensions to Finished, certificate chain included).
 * Immutable: reactors read it through a volatile reference while the learner replaces it.
 * <p>
 * What an answer can reproduce is narrower than what is recorded, because tdlib and tdesktop read exactly one
 * handshake record, one ChangeCipherSpec and one ApplicationData record before checking the HMAC (protocol.md 4.5):
 * <ul>
 * <li>only key_share and supported_versions are written, in the host's order: a TLS 1.3 ServerHello carries
 * nothing else we could fake (pre_shared_key would claim a resumption the client never offered);</li>
 * <li>the ChangeCipherSpec is always written, clients require it;</li>
 * <li>the first flight becomes one ApplicationData record of the host's total, capped at the largest record TLS
 * allows: a second record would reach the client's MTProto stream as data.</li>
 * </ul>
 */
public final class ServerHelloShape
{
    /** Extension type key_share. */
    public static final int EXTENSION_KEY_SHARE = 0x0033;
    /** Extension type supported_versions. */
    public static final int EXTENSION_SUPPORTED_VERSIONS = 0x002b;
    /** The largest TLS 1.3 ciphertext record: 2^14 + 256 (RFC 8446 5.2). */
    public static final int MAX_CIPHERTEXT = TlsRecord.MAX_PAYLOAD + 256;
    /** The smallest first flight we write: below it no certificate chain fits. */
    public static final int MIN_FLIGHT = 512;

    private final int cipherSuite;
    private final int[] extensions;
    private final boolean changeCipherSpec;
    private final int[] flightRecords;
    private final boolean keyShareFirst;
    private final int flightLength;

    /**
     * @param cipherSuite      the suite the host picked.
     * @param extensions       the ServerHello's extension types, in order.
     * @param changeCipherSpec whether a ChangeCipherSpec record followed the ServerHello.
     * @param flightRecords    lengths of the encrypted ApplicationData records of the first flight, in order.
     */
    public ServerHelloShape(final int cipherSuite, final int[] extensions, final boolean changeCipherSpec,
        final int[] flightRecords)
    {
        if (0 == flightRecords.length)
        {
            throw new IllegalArgumentException("a first flight has at least one record");
        }
        this.cipherSuite = cipherSuite;
        this.extensions = extensions.clone();
        this.changeCipherSpec = changeCipherSpec;
        this.flightRecords = flightRecords.clone();
        int keyShareAt = Integer.MAX_VALUE;
        int versionsAt = Integer.MAX_VALUE;
        for (int i = extensions.length - 1; i >= 0; i--)
        {
            if (EXTENSION_KEY_SHARE == extensions[i])
            {
                keyShareAt = i;
            }
            else if (EXTENSION_SUPPORTED_VERSIONS == extensions[i])
            {
                versionsAt = i;
            }
        }
        this.keyShareFirst = keyShareAt < versionsAt;
        long total = 0;
        for (final int length : flightRecords)
        {
            total += length;
        }
        this.flightLength = (int)Math.max(MIN_FLIGHT, Math.min(MAX_CIPHERTEXT, total));
    }

    /**
     * @return the cipher suite the host picked.
     */
    public int cipherSuite()
    {
        return cipherSuite;
    }

    /**
     * @return whether our answer writes key_share before supported_versions, as the host did.
     */
    public boolean isKeyShareFirst()
    {
        return keyShareFirst;
    }

    /**
     * @return the length of the one ApplicationData record our answer writes, before jitter.
     */
    public int flightLength()
    {
        return flightLength;
    }

    /**
     * @return how many encrypted records the host's first flight had.
     */
    public int flightRecordCount()
    {
        return flightRecords.length;
    }

    /**
     * @param index a record of the host's first flight.
     * @return its length.
     */
    public int flightRecord(final int index)
    {
        return flightRecords[index];
    }

    /**
     * @return whether the host sent a ChangeCipherSpec after its ServerHello.
     */
    public boolean hasChangeCipherSpec()
    {
        return changeCipherSpec;
    }

    /**
     * @return how many extensions the host's ServerHello carried.
     */
    public int extensionCount()
    {
        return extensions.length;
    }

    /**
     * @param index an extension of the host's ServerHello.
     * @return its type.
     */
    public int extension(final int index)
    {
        return extensions[index];
    }

    /**
     * @return the shape as log fields: {@code cipher=0x1302 extensions=0x002b,0x0033 ccs=true records=4
     *         record_bytes=32,1045,79,53 answer_bytes=1209}.
     */
    public String describe()
    {
        final StringBuilder text = new StringBuilder("cipher=").append(hex(cipherSuite)).append(" extensions=");
        for (int i = 0; i < extensions.length; i++)
        {
            text.append(0 == i ? "" : ",").append(hex(extensions[i]));
        }
        text.append(" ccs=").append(changeCipherSpec).append(" records=").append(flightRecords.length)
            .append(" record_bytes=");
        for (int i = 0; i < flightRecords.length; i++)
        {
            text.append(0 == i ? "" : ",").append(flightRecords[i]);
        }
        return text.append(" answer_bytes=").append(flightLength).toString();
    }

    private static String hex(final int value)
    {
        final String digits = Integer.toHexString(0x10000 | value);
        return "0x" + digits.substring(digits.length() - 4);
    }

    @Override
    public boolean equals(final Object other)
    {
        if (!(other instanceof ServerHelloShape))
        {
            return false;
        }
        final ServerHelloShape that = (ServerHelloShape)other;
        return cipherSuite == that.cipherSuite && changeCipherSpec == that.changeCipherSpec &&
            Arrays.equals(extensions, that.extensions) && Arrays.equals(flightRecords, that.flightRecords);
    }

    @Override
    public int hashCode()
    {
        return 31 * (31 * cipherSuite + Arrays.hashCode(extensions)) + Arrays.hashCode(flightRecords);
    }

    @Override
    public String toString()
    {
        return describe();
    }
}
