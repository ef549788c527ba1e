package io.mtgj.net;

import io.mtgj.crypto.AesCtr;
import io.mtgj.transport.ProtocolTag;

/**
 * What a {@link ClientMode} made of the client's first bytes: wait for more, reject, or an accepted client with its
 * ciphers. Accepted results are created once per connection (handshake paths may allocate).
 */
public final class HandshakeResult
{
    /** Not enough bytes yet. */
    public static final HandshakeResult NEED_MORE = new HandshakeResult(null, null, (short)0, null, 0);
    /** Not a client of this secret and mode: close without a byte upstream. */
    public static final HandshakeResult REJECTED = new HandshakeResult(null, null, (short)0, null, 0);

    private final AesCtr decryptor;
    private final AesCtr encryptor;
    private final short dcIndex;
    private final ProtocolTag tag;
    private final int consumed;

    private HandshakeResult(
        final AesCtr decryptor, final AesCtr encryptor, final short dcIndex, final ProtocolTag tag, final int consumed)
    {
        this.decryptor = decryptor;
        this.encryptor = encryptor;
        this.dcIndex = dcIndex;
        this.tag = tag;
        this.consumed = consumed;
    }

    /**
     * @param decryptor client to proxy stream, positioned after the handshake.
     * @param encryptor proxy to client stream.
     * @param dcIndex   signed DC index from the frame.
     * @param tag       the client's transport.
     * @param consumed  handshake bytes at the start of the stream that must not be relayed.
     * @return an accepted result.
     */
    public static HandshakeResult accepted(
        final AesCtr decryptor, final AesCtr encryptor, final short dcIndex, final ProtocolTag tag, final int consumed)
    {
        return new HandshakeResult(decryptor, encryptor, dcIndex, tag, consumed);
    }

    /**
     * @return whether the client was accepted.
     */
    public boolean isAccepted()
    {
        return null != tag;
    }

    /**
     * @return client to proxy stream.
     */
    public AesCtr decryptor()
    {
        return decryptor;
    }

    /**
     * @return proxy to client stream.
     */
    public AesCtr encryptor()
    {
        return encryptor;
    }

    /**
     * @return signed DC index.
     */
    public short dcIndex()
    {
        return dcIndex;
    }

    /**
     * @return transport tag.
     */
    public ProtocolTag tag()
    {
        return tag;
    }

    /**
     * @return handshake bytes consumed.
     */
    public int consumed()
    {
        return consumed;
    }
}
