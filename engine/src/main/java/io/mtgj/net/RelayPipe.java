package io.mtgj.net;

import org.agrona.DirectBuffer;

import java.io.IOException;

/**
 * A session's pipe as an {@link UpstreamLink} sees it: the client's decrypted bytes to take packets from, or the
 * way towards the client to put answers into.
 */
public interface RelayPipe
{
    /**
     * @return the leased buffer, or null when none is held.
     */
    PooledBuffer buffer();

    /**
     * @return first byte not yet taken.
     */
    int start();

    /**
     * @return end of the bytes ready.
     */
    int payloadEnd();

    /**
     * @param index the bytes before it were taken out of the buffer.
     */
    void consumed(int index);

    /**
     * Copy bytes towards the client into the buffer, framing and encrypting them in place.
     *
     * @return bytes taken, 0 when the buffer is full or none could be leased (then the session is resumed later).
     */
    int append(DirectBuffer src, int offset, int length);

    /**
     * As {@link #append(DirectBuffer, int, int)} from a heap array.
     */
    int append(byte[] src, int offset, int length);

    /**
     * Write what is ready.
     */
    void flush() throws IOException;
}
