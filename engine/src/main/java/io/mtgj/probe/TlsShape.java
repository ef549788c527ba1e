package io.mtgj.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * The TLS records an answer is made of, by type and length: what a prober compares when the bytes themselves differ
 * on every connection (a server's random, key share and signatures do). Records of a real server's first flight may
 * differ by a few bytes from one connection to the next (an ECDSA signature's DER length), hence
 * {@link #LENGTH_SLACK}.
 */
public final class TlsShape
{
    /** Two records of the same type whose lengths differ by at most this much count as the same. */
    public static final int LENGTH_SLACK = 16;

    private static final int HEADER_LENGTH = 5;
    private static final int MAX_RECORD_LENGTH = 16_384 + 2_048;

    private final List<int[]> records;
    private final int trailing;

    private TlsShape(final List<int[]> records, final int trailing)
    {
        this.records = records;
        this.trailing = trailing;
    }

    /**
     * @param bytes  the start of an answer.
     * @param length how many of them.
     * @return its records, or null when it does not start with a TLS record header.
     */
    public static TlsShape of(final byte[] bytes, final int length)
    {
        final List<int[]> records = new ArrayList<>();
        int offset = 0;
        while (length - offset >= HEADER_LENGTH && isHeader(bytes, offset))
        {
            final int recordLength = (bytes[offset + 3] & 0xff) << 8 | (bytes[offset + 4] & 0xff);
            if (length - offset - HEADER_LENGTH < recordLength)
            {
                break;
            }
            records.add(new int[] {bytes[offset] & 0xff, recordLength});
            offset += HEADER_LENGTH + recordLength;
        }
        return records.isEmpty() ? null : new TlsShape(records, length - offset);
    }

    private static boolean isHeader(final byte[] bytes, final int offset)
    {
        final int type = bytes[offset] & 0xff;
        final int length = (bytes[offset + 3] & 0xff) << 8 | (bytes[offset + 4] & 0xff);
        return type >= 0x14 && type <= 0x17 && 0x03 == bytes[offset + 1] && (bytes[offset + 2] & 0xff) <= 0x04 &&
            length <= MAX_RECORD_LENGTH;
    }

    /**
     * @return the records read.
     */
    public int count()
    {
        return records.size();
    }

    /**
     * @param other another answer's shape.
     * @return whether the two have the same record types in the same order, lengths within {@link #LENGTH_SLACK},
     *         and both end on a record boundary or both do not.
     */
    public boolean isLike(final TlsShape other)
    {
        if (records.size() != other.records.size() || (0 == trailing) != (0 == other.trailing))
        {
            return false;
        }
        for (int i = 0; i < records.size(); i++)
        {
            final int[] mine = records.get(i);
            final int[] theirs = other.records.get(i);
            if (mine[0] != theirs[0] || Math.abs(mine[1] - theirs[1]) > LENGTH_SLACK)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return e.g. {@code handshake:122 ccs:1 data:2934 data:53}, with {@code +N} for bytes after the last record.
     */
    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder(64);
        for (final int[] record : records)
        {
            if (text.length() > 0)
            {
                text.append(' ');
            }
            text.append(typeName(record[0])).append(':').append(record[1]);
        }
        if (trailing > 0)
        {
            text.append(" +").append(trailing);
        }
        return text.toString();
    }

    private static String typeName(final int type)
    {
        switch (type)
        {
            case 0x14:
                return "ccs";
            case 0x15:
                return "alert";
            case 0x16:
                return "handshake";
            default:
                return "data";
        }
    }
}
