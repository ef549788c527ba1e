package io.mtgj.net;

import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;

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
     * @param from   the client's address (a hint for which secret to try first), or null.
     * @return NEED_MORE, a rejection, a cloak, a reply (FakeTLS, with the step that checks the frame after it) or an
     *         accepted client.
     */
    HandshakeResult onFirstBytes(UnsafeBuffer buffer, int length, InetAddress from);

    /**
     * @return whether a client that fails before authentication is fronted to the cloak host instead of closed.
     */
    boolean cloaksFailures();
}
