package io.mtgj.net;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The strategy for one secret mode: how a client authenticates. Stateless and shared by every session of a
 * proxy, so implementations must be thread-safe (they normally hold only the secret).
 */
public interface ClientMode
{
    /**
     * Examine the bytes a client has sent so far. Must not modify them.
     *
     * @param buffer holds the client's bytes from index 0.
     * @param length bytes received.
     * @return {@link HandshakeResult#NEED_MORE}, {@link HandshakeResult#REJECTED} or an accepted result.
     */
    HandshakeResult onHandshakeBytes(UnsafeBuffer buffer, int length);
}
