package io.mtgj.antireplay;

/**
 * A bounded memory of handshake keys (protocol.md 5), shared by all reactors.
 * <p>
 * Record a key only once the handshake is otherwise valid (HMAC and timestamp checked), or a forger could fill the
 * cache with keys of handshakes that never authenticated.
 */
public interface AntiReplayCache
{
    /**
     * Atomic test-and-add: whether the key was recorded before; if not, record it. Safe from any thread.
     *
     * @param key    array holding the key.
     * @param offset index of the key's first byte.
     * @param length length of the key in bytes.
     * @return true when the key was recorded before (a replay), false when it is new (and now recorded).
     * @throws IndexOutOfBoundsException when the range is not inside the array.
     */
    boolean seenBefore(byte[] key, int offset, int length);

    /**
     * @return bytes currently held by the cache's tables.
     */
    long memoryBytes();

    /**
     * A cache bounded by {@code maxBytes}, or the no-op when {@code maxBytes} is 0 (anti-replay disabled).
     *
     * @param maxBytes bound on the bytes held by the tables; 0 disables the check.
     * @return the cache.
     * @throws IllegalArgumentException naming the value when it is negative or below
     *                                  {@link FingerprintCache#MIN_MAX_BYTES}.
     */
    static AntiReplayCache create(final long maxBytes)
    {
        return 0 == maxBytes ? NoopAntiReplayCache.INSTANCE : new FingerprintCache(maxBytes);
    }
}
