package io.mtgj.perf.middle;

/**
 * Little-endian integers at explicit offsets in byte arrays: every integer on the RPC channel is little-endian.
 */
final class LittleEndian
{
    private LittleEndian()
    {
    }

    static int getInt(final byte[] bytes, final int offset)
    {
        return (bytes[offset] & 0xff) |
            (bytes[offset + 1] & 0xff) << 8 |
            (bytes[offset + 2] & 0xff) << 16 |
            (bytes[offset + 3] & 0xff) << 24;
    }

    static long getLong(final byte[] bytes, final int offset)
    {
        return (getInt(bytes, offset) & 0xffffffffL) | ((long)getInt(bytes, offset + 4) << 32);
    }

    static void putInt(final byte[] bytes, final int offset, final int value)
    {
        bytes[offset] = (byte)value;
        bytes[offset + 1] = (byte)(value >>> 8);
        bytes[offset + 2] = (byte)(value >>> 16);
        bytes[offset + 3] = (byte)(value >>> 24);
    }

    static void putLong(final byte[] bytes, final int offset, final long value)
    {
        putInt(bytes, offset, (int)value);
        putInt(bytes, offset + 4, (int)(value >>> 32));
    }

    static void putShort(final byte[] bytes, final int offset, final int value)
    {
        bytes[offset] = (byte)value;
        bytes[offset + 1] = (byte)(value >>> 8);
    }
}
