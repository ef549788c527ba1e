package io.mtgj.faketls;

/**
 * TLS record layout and the limits FakeTLS relies on (protocol.md 4.6, 4.7).
 */
public final class TlsRecord
{
    /** Type, version, length. */
    public static final int HEADER_LENGTH = 5;
    /** ChangeCipherSpec. */
    public static final byte TYPE_CHANGE_CIPHER_SPEC = 0x14;
    /** Handshake. */
    public static final byte TYPE_HANDSHAKE = 0x16;
    /** ApplicationData. */
    public static final byte TYPE_APPLICATION_DATA = 0x17;
    /** Record version after the ClientHello. */
    public static final int VERSION_TLS12 = 0x0303;
    /** Record version of the ClientHello. */
    public static final int VERSION_TLS10 = 0x0301;
    /** The largest payload tdlib accepts in a record; ours never exceed it. */
    public static final int MAX_PAYLOAD = 16384;
    /** The largest payload we accept from a client: the TLS limit plus slack for expansion (protocol.md 4.6). */
    public static final int MAX_INBOUND_PAYLOAD = MAX_PAYLOAD + 256;

    private TlsRecord()
    {
    }

    /**
     * @param bytes  where to write.
     * @param offset where the header starts.
     * @param type   record type.
     * @param length payload length.
     */
    public static void writeHeader(final byte[] bytes, final int offset, final byte type, final int length)
    {
        bytes[offset] = type;
        bytes[offset + 1] = (byte)(VERSION_TLS12 >>> 8);
        bytes[offset + 2] = (byte)VERSION_TLS12;
        bytes[offset + 3] = (byte)(length >>> 8);
        bytes[offset + 4] = (byte)length;
    }
}
