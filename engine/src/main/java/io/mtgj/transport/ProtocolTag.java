package io.mtgj.transport;

/**
 * MTProto transport tags carried in the obfuscated2 frame (protocol.md 2.4).
 */
public enum ProtocolTag
{
    /** 0xefefefef: lengths in 4-byte words, one or four header bytes. */
    ABRIDGED(0xefefefef),
    /** 0xeeeeeeee: LE32 length header. */
    INTERMEDIATE(0xeeeeeeee),
    /** 0xdddddddd: LE32 length header, 0..15 random padding bytes. */
    PADDED_INTERMEDIATE(0xdddddddd);

    private final int wire;

    ProtocolTag(final int wire)
    {
        this.wire = wire;
    }

    /**
     * @return the tag as read little-endian from the frame.
     */
    public int wire()
    {
        return wire;
    }

    /**
     * @param wire a little-endian word from a decrypted frame.
     * @return the tag, or null when the word is no tag.
     */
    public static ProtocolTag fromWire(final int wire)
    {
        for (final ProtocolTag tag : values())
        {
            if (tag.wire == wire)
            {
                return tag;
            }
        }
        return null;
    }
}
