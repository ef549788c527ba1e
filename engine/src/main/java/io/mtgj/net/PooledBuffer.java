package io.mtgj.net;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One off-heap buffer from a {@link BufferPool}: an {@link UnsafeBuffer} for indexed access and the direct
 * {@link ByteBuffer} behind it for syscalls. Indexes kept by the owner are the truth; position and limit are set
 * just before each syscall.
 */
public final class PooledBuffer
{
    private static final int CACHE_LINE = 64;

    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer;
    private boolean leased;

    PooledBuffer(final int capacity)
    {
        byteBuffer = BufferUtil.allocateDirectAligned(capacity, CACHE_LINE);
        buffer = new UnsafeBuffer(byteBuffer);
    }

    /**
     * @return indexed view.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return capacity in bytes.
     */
    public int capacity()
    {
        return buffer.capacity();
    }

    /**
     * @param start first byte.
     * @param end   one past the last byte.
     * @return the direct ByteBuffer with position {@code start} and limit {@code end}.
     */
    public ByteBuffer view(final int start, final int end)
    {
        byteBuffer.limit(end).position(start);
        return byteBuffer;
    }

    boolean isLeased()
    {
        return leased;
    }

    void leased(final boolean leased)
    {
        this.leased = leased;
    }
}
