package io.mtgj.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class BufferArenaTest
{
    private static final int SIZE = 4096;
    private static final long COST = SIZE + PooledBuffer.ALIGNMENT_BYTES;

    @Test
    void shouldRunOutThenRecoverWithoutEverExceedingItsBudget()
    {
        final BufferArena arena = new BufferArena(10 * COST, COST);
        final List<PooledBuffer> leased = new ArrayList<>();
        for (int i = 0; i < 9; i++)
        {
            leased.add(assertLeased(arena.lease(SIZE, false)));
        }
        assertNull(arena.lease(SIZE, false), "the last buffer is the reserve");
        final PooledBuffer reserve = arena.lease(SIZE, true);
        assertNotNull(reserve, "a priority lease may use the reserve");
        assertNull(arena.lease(SIZE, true), "spent");
        assertEquals(10 * COST, arena.leasedBytes());
        assertEquals(10, arena.leasedBuffers());
        assertTrue(arena.allocatedBytes() <= 10 * COST);

        arena.release(reserve);
        for (final PooledBuffer buffer : leased)
        {
            arena.release(buffer);
        }
        assertEquals(0, arena.leasedBytes());
        assertEquals(0, arena.leasedBuffers());
        assertTrue(arena.allocatedBytes() <= 10 * COST / 16 + COST, "free buffers beyond a sixteenth are freed");
        for (int i = 0; i < 9; i++)
        {
            leased.set(i, assertLeased(arena.lease(SIZE, false)));
        }
        assertTrue(arena.allocatedBytes() <= 10 * COST);
    }

    @Test
    void shouldServeWaitersInArrivalOrderAndLetNobodyJumpTheLine()
    {
        final BufferArena arena = new BufferArena(3 * COST, COST);
        final PooledBuffer a = arena.lease(SIZE, false);
        final PooledBuffer b = arena.lease(SIZE, false);
        final List<String> served = new ArrayList<>();
        final Waiter first = new Waiter("first", SIZE, served);
        final Waiter second = new Waiter("second", SIZE, served);
        final Waiter third = new Waiter("third", SIZE, served);
        arena.await(first, false);
        arena.await(second, false);
        arena.await(third, false);
        assertEquals(3, arena.waiting());
        assertEquals(3, arena.waits());

        arena.release(b);
        assertNull(arena.lease(SIZE, false), "the line comes first");
        arena.release(a);
        assertEquals(List.of("first", "second"), served);
        assertEquals(1, arena.waiting());

        arena.release(first.buffer);
        assertEquals(List.of("first", "second", "third"), served);
        assertEquals(0, arena.waiting());
    }

    @Test
    void shouldSkipAWaiterThatClosedAndServePriorityFirst()
    {
        final BufferArena arena = new BufferArena(2 * COST, COST);
        final PooledBuffer relay = arena.lease(SIZE, false);
        final PooledBuffer handshake = arena.lease(SIZE, true);
        final List<String> served = new ArrayList<>();
        final Waiter gone = new Waiter("gone", SIZE, served);
        final Waiter relayWaiter = new Waiter("relay", SIZE, served);
        final Waiter priority = new Waiter("handshake", SIZE, served);
        arena.await(gone, false);
        arena.await(relayWaiter, false);
        arena.await(priority, true);
        gone.waiting = false;
        arena.cancel(gone);
        assertEquals(2, arena.waiting());

        arena.release(relay);
        assertEquals(List.of("handshake"), served, "the reserve-eligible line is served first");
        arena.release(handshake);
        assertEquals(List.of("handshake"), served, "what is left is the reserve: not for relays");
        arena.release(priority.buffer);
        assertEquals(List.of("handshake", "relay"), served, "the closed waiter was skipped");
        assertEquals(0, arena.waiting());
    }

    @Test
    void shouldFreeIdleBuffersOfAnotherSizeToMakeRoom()
    {
        final long big = 2 * SIZE + PooledBuffer.ALIGNMENT_BYTES;
        final BufferArena arena = new BufferArena(2 * COST + big, 1);
        final PooledBuffer a = arena.lease(SIZE, false);
        final PooledBuffer b = arena.lease(SIZE, false);
        final PooledBuffer c = arena.lease(2 * SIZE, true);
        assertNotNull(c);
        assertNull(arena.lease(SIZE, true));
        arena.release(a);
        arena.release(b);
        arena.release(c);
        // The idle small buffers must be freed for the two large ones to fit.
        final PooledBuffer d = arena.lease(2 * SIZE, false);
        assertNotNull(d);
        assertEquals(2 * SIZE, d.capacity());
        assertTrue(arena.allocatedBytes() <= 2 * COST + big);
    }

    @Test
    void shouldReuseAFreeBufferAndFailLoudlyOnDoubleRelease()
    {
        final BufferArena arena = new BufferArena(100 * COST, COST);
        final PooledBuffer a = arena.lease(SIZE, false);
        arena.release(a);
        assertSame(a, arena.lease(SIZE, false));
        arena.release(a);
        assertThrows(IllegalStateException.class, () -> arena.release(a));
        assertEquals(0, arena.leasedBuffers());
    }

    @Test
    void shouldExposeAnAlignedByteBufferWindow()
    {
        final PooledBuffer buffer = new BufferArena(100 * COST, COST).lease(1024, false);
        assertEquals(0, buffer.buffer().addressOffset() & 63, "cache-line aligned");
        assertEquals(1024, buffer.capacity());
        assertEquals(10, buffer.view(10, 20).position());
        assertEquals(20, buffer.view(10, 20).limit());
        assertEquals(1000, buffer.view(1000, 1024).position());
    }

    @Test
    void shouldKeepAReserveThatLetsAFewPriorityLeasesThrough()
    {
        assertEquals((14L << 20) / 16, BufferArena.reserveFor(14 << 20, 32 * 1024), "a sixteenth of 14 MiB");
        assertEquals(2 * (32 * 1024 + 64), BufferArena.reserveFor(1 << 20, 32 * 1024));
        assertEquals((256 * 1024) / 4, BufferArena.reserveFor(256 * 1024, 32 * 1024), "at most a quarter");
        assertFalse(BufferArena.reserveFor(1 << 20, 32 * 1024) >= 1 << 20);
    }

    private static PooledBuffer assertLeased(final PooledBuffer buffer)
    {
        assertNotNull(buffer);
        return buffer;
    }

    private static final class Waiter implements BufferWaiter
    {
        private final String name;
        private final int capacity;
        private final List<String> served;
        private boolean waiting = true;
        private PooledBuffer buffer;

        Waiter(final String name, final int capacity, final List<String> served)
        {
            this.name = name;
            this.capacity = capacity;
            this.served = served;
        }

        @Override
        public int wantedCapacity()
        {
            return capacity;
        }

        @Override
        public boolean isWaitingForBuffer()
        {
            return waiting;
        }

        @Override
        public void onBufferGranted(final PooledBuffer granted)
        {
            waiting = false;
            buffer = granted;
            served.add(name);
        }

        @Override
        public void resumeAfterGrant()
        {
        }
    }
}
