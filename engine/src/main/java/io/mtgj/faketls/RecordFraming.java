package io.mtgj.faketls;

import org.agrona.MutableDirectBuffer;

/**
 * Frames the proxy's bytes to the client as ApplicationData records, in place: the reader leaves
 * {@link #HEADER_LENGTH} bytes free before each chunk it reads, and the header is written there (protocol.md 4.7).
 */
public final class RecordFraming
{
    /** Room left before each payload. */
    public static final int HEADER_LENGTH = TlsRecord.HEADER_LENGTH;
    /** Largest payload per record. */
    public static final int MAX_PAYLOAD = TlsRecord.MAX_PAYLOAD;

    private RecordFraming()
    {
    }

    /**
     * @param buffer  the connection's buffer.
     * @param index   where the header goes; the payload follows it.
     * @param length  payload length, at most {@link #MAX_PAYLOAD}.
     */
    public static void writeHeader(final MutableDirectBuffer buffer, final int index, final int length)
    {
        buffer.putByte(index, TlsRecord.TYPE_APPLICATION_DATA);
        buffer.putByte(index + 1, (byte)(TlsRecord.VERSION_TLS12 >>> 8));
        buffer.putByte(index + 2, (byte)TlsRecord.VERSION_TLS12);
        buffer.putByte(index + 3, (byte)(length >>> 8));
        buffer.putByte(index + 4, (byte)length);
    }
}
