package io.mtgj.antireplay;

import java.util.Objects;

/**
 * The cache used when anti-replay is disabled: it remembers nothing, so no key is ever seen before.
 */
public final class NoopAntiReplayCache implements AntiReplayCache
{
    /** The one instance; it has no state. */
    public static final NoopAntiReplayCache INSTANCE = new NoopAntiReplayCache();

    private NoopAntiReplayCache()
    {
    }

    /**
     * {@inheritDoc}
     *
     * @return always false.
     */
    @Override
    public boolean seenBefore(final byte[] key, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, key.length);
        return false;
    }

    /**
     * {@inheritDoc}
     *
     * @return always 0.
     */
    @Override
    public long memoryBytes()
    {
        return 0;
    }

    @Override
    public String toString()
    {
        return "NoopAntiReplayCache";
    }
}
