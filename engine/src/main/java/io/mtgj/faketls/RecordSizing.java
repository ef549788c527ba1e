package io.mtgj.faketls;

/**
 * How large the proxy's records to a FakeTLS client are, record after record (protocol.md 4.7, 4.8): small at
 * first and full later, as TLS servers with dynamic record sizing write them, instead of full 16 KiB records from the
 * first byte, which no web server does.
 * <p>
 * The numbers are those of Cloudflare's dynamic TLS records patch for nginx, which mtg v2's optional sizing follows
 * too: 40 records that fit one TCP segment each (1369 bytes of plaintext, 1386 on the wire with the AEAD tag and
 * content type, inside a 1448-byte MSS), so a browser can decrypt each segment as it arrives while the congestion
 * window is small; then 20 records of about 4 KiB; then full records. A second of silence starts over, as the
 * congestion window may have shrunk. About 138 KB go in small records per burst: a rounding error on a download,
 * and the shape a passive observer expects from a web server. Our records carry no AEAD tag, so their length field
 * is set to what the real server's would read.
 * <p>
 * Stateless: the record count and the time of the last record live in the connection.
 */
public final class RecordSizing
{
    /** Records that fit one segment. */
    public static final int SMALL_RECORDS = 40;
    /** Their length on the wire: 1369 bytes of plaintext, a content type byte and a 16-byte tag. */
    public static final int SMALL_PAYLOAD = 1386;
    /** Records of about 4 KiB after those. */
    public static final int MEDIUM_RECORDS = 20;
    /** Their length: 4229 bytes of plaintext plus 17. */
    public static final int MEDIUM_PAYLOAD = 4246;
    /** The index from which records are full: pass it to frame without sizing. */
    public static final int FULL = SMALL_RECORDS + MEDIUM_RECORDS;
    /** Silence after which sizing starts over with small records. */
    public static final long IDLE_RESET_NS = 1_000_000_000L;

    private RecordSizing()
    {
    }

    /**
     * @param index how many records were written before this one since the start or the last idle second.
     * @return the largest payload this record may carry.
     */
    public static int payloadLimit(final int index)
    {
        if (index < SMALL_RECORDS)
        {
            return SMALL_PAYLOAD;
        }
        return index < FULL ? MEDIUM_PAYLOAD : TlsRecord.MAX_PAYLOAD;
    }

    /**
     * @param index records already written.
     * @param space bytes free in the buffer.
     * @return how many payload bytes fit in {@code space} together with the header of every record they need.
     */
    public static int payloadRoom(final int index, final int space)
    {
        final int header = TlsRecord.HEADER_LENGTH;
        int room = 0;
        int left = space;
        for (int i = index; i < FULL && left > header; i++)
        {
            final int payload = Math.min(left - header, payloadLimit(i));
            room += payload;
            left -= payload + header;
        }
        if (left > header)
        {
            final int full = TlsRecord.MAX_PAYLOAD + header; // full records from here on: arithmetic will do
            room += left / full * TlsRecord.MAX_PAYLOAD + Math.max(0, left % full - header);
        }
        return room;
    }
}
