package io.mtgj.faketls;

import org.agrona.MutableDirectBuffer;

/**
 * Strips TLS record headers from the client's stream in place (protocol.md 4.6 "Use"): ApplicationData payloads are
 * moved together, ChangeCipherSpec records are skipped, anything else is an error. A payload is delivered as soon as
 * its bytes arrive; only a header cut by a read waits for the rest. One instance per connection.
 */
public final class RecordUnwrapper
{
    /** Returned by {@link #unwrap} when the stream is not a client's record stream. */
    public static final int ERROR = -1;

    private static final int MAX_CHANGE_CIPHER_SPEC_LENGTH = 1;

    private int payloadRemaining;
    private int skipRemaining;
    private int tailLength;

    /**
     * Unwrap {@code buffer[from, to)} in place.
     *
     * @param buffer the connection's buffer.
     * @param from   first byte not yet unwrapped.
     * @param to     one past the last byte received.
     * @return the end of the contiguous payload starting at {@code from}, or {@link #ERROR}; the bytes of an
     *         incomplete header follow it, {@link #tailLength()} of them.
     */
    public int unwrap(final MutableDirectBuffer buffer, final int from, final int to)
    {
        int read = from;
        int write = from;
        tailLength = 0;
        while (read < to)
        {
            if (payloadRemaining > 0)
            {
                final int n = Math.min(payloadRemaining, to - read);
                if (write != read)
                {
                    buffer.putBytes(write, buffer, read, n);
                }
                write += n;
                read += n;
                payloadRemaining -= n;
            }
            else if (skipRemaining > 0)
            {
                final int n = Math.min(skipRemaining, to - read);
                read += n;
                skipRemaining -= n;
            }
            else if (to - read < TlsRecord.HEADER_LENGTH)
            {
                tailLength = to - read;
                if (write != read)
                {
                    buffer.putBytes(write, buffer, read, tailLength);
                }
                return write;
            }
            else
            {
                final byte type = buffer.getByte(read);
                final int version = (buffer.getByte(read + 1) & 0xff) << 8 | (buffer.getByte(read + 2) & 0xff);
                final int length = (buffer.getByte(read + 3) & 0xff) << 8 | (buffer.getByte(read + 4) & 0xff);
                if (TlsRecord.VERSION_TLS12 != version)
                {
                    return ERROR;
                }
                if (TlsRecord.TYPE_APPLICATION_DATA == type && length <= TlsRecord.MAX_INBOUND_PAYLOAD)
                {
                    payloadRemaining = length;
                }
                else if (TlsRecord.TYPE_CHANGE_CIPHER_SPEC == type && length <= MAX_CHANGE_CIPHER_SPEC_LENGTH)
                {
                    skipRemaining = length;
                }
                else
                {
                    return ERROR;
                }
                read += TlsRecord.HEADER_LENGTH;
            }
        }
        return write;
    }

    /**
     * @return bytes of an incomplete record header left after the payload by the last {@link #unwrap}.
     */
    public int tailLength()
    {
        return tailLength;
    }
}
