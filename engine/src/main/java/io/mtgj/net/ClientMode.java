package io.mtgj.net;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The strategy for one secret mode: how a client authenticates. Shared by every session of a proxy and called on
 * every reactor thread, so implementations must be thread-safe.
 */
public interface ClientMode
{
    /**
     * Examine the first bytes of a client's stream. Must not modify them: a fronted client's bytes are forwarded as
     * they came.
     *
     * @param buffer holds the client's bytes from index 0.
     * @param length bytes received.
     * @return NEED_MORE, a rejection, a cloak, a reply (FakeTLS) or an accepted client.
     */
    HandshakeResult onFirstBytes(UnsafeBuffer buffer, int length);

    /**
     * Examine the obfuscated2 frame that follows a {@link HandshakeResult.Kind#REPLY}, unwrapped from its records.
     *
     * @param buffer holds the unwrapped bytes.
     * @param offset where they start.
     * @param length how many there are.
     * @return NEED_MORE, a rejection or an accepted client.
     */
    HandshakeResult onFrame(UnsafeBuffer buffer, int offset, int length);

    /**
     * @return whether a client that fails before authentication is fronted to the cloak host instead of closed.
     */
    boolean cloaksFailures();
}
