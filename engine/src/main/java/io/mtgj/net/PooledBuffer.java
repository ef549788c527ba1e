package io.mtgj.net;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One off-heap buffer from a {@link BufferArena}: an {@link UnsafeBuffer} for indexed access and the direct
 * {@link ByteBuffer} behind it for syscalls. Indexes kept by the owner are the truth; position and limit are set
 * just before each syscall.
 */
public final class PooledBuffer
{
    private static final int CACHE_LINE = 64;
    /** Bytes a buffer takes beyond its capacity: it is over-allocated by one cache line to be aligned. */
    static final int ALIGNMENT_BYTES = CACHE_LINE;

    private final ByteBuffer memory;
    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer;
    private boolean leased;

    PooledBuffer(final int capacity)
    {
        // Allocated whole and sliced to an aligned window, so that the whole can be freed at once (free()).
        memory = ByteBuffer.allocateDirect(capacity + CACHE_LINE);
        final int misalignment = (int)(BufferUtil.address(memory) & (CACHE_LINE - 1));
        final int offset = 0 == misalignment ? 0 : CACHE_LINE - misalignment;
        byteBuffer = memory.duplicate().position(offset).limit(offset + capacity).slice();
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

    /**
     * Give the memory back to the system now rather than when the collector finds the buffer.
     */
    void free()
    {
        BufferUtil.free(memory);
    }
}
