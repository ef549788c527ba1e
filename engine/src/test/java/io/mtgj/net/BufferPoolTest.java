package io.mtgj.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(5)
class BufferPoolTest
{
    @Test
    void shouldCountLeasesAndReuseBuffers()
    {
        final BufferPool pool = new BufferPool(4096, 2);
        final PooledBuffer a = pool.lease();
        final PooledBuffer b = pool.lease();
        assertEquals(2, pool.inUse());
        assertEquals(4096, a.capacity());
        pool.release(a);
        pool.release(b);
        assertEquals(0, pool.inUse());
        assertSame(b, pool.lease());
    }

    @Test
    void shouldFailLoudlyOnDoubleRelease()
    {
        final BufferPool pool = new BufferPool(1024, 2);
        final PooledBuffer a = pool.lease();
        pool.release(a);
        assertThrows(IllegalStateException.class, () -> pool.release(a));
        assertEquals(0, pool.inUse());
    }

    @Test
    void shouldExposeAByteBufferWindow()
    {
        final PooledBuffer buffer = new BufferPool(1024, 1).lease();
        buffer.view(10, 20);
        assertEquals(10, buffer.view(10, 20).position());
        assertEquals(20, buffer.view(10, 20).limit());
        assertEquals(0, buffer.view(0, 5).position());
        assertEquals(1000, buffer.view(1000, 1024).position());
    }
}
