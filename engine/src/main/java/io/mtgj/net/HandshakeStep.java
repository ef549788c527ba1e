package io.mtgj.net;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * What comes after a {@link HandshakeResult.Kind#REPLY}: the check of the obfuscated2 frame the client sends inside
 * its records, bound to the secret the hello proved.
 */
@FunctionalInterface
public interface HandshakeStep
{
    /**
     * @param buffer holds the unwrapped bytes.
     * @param offset where they start.
     * @param length how many there are.
     * @return NEED_MORE, a rejection or an accepted client.
     */
    HandshakeResult onFrame(UnsafeBuffer buffer, int offset, int length);
}
