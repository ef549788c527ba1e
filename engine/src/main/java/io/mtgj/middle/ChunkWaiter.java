package io.mtgj.middle;

import io.mtgj.net.BufferArena;
import io.mtgj.net.BufferWaiter;
import io.mtgj.net.PooledBuffer;
import io.mtgj.net.ReactorServices;

/**
 * One direction's place in the arena's priority line for a middle-proxy connection: the chunk granted is only
 * stored, and the connection goes on when the reactor resumes it. Reactor thread only.
 */
final class ChunkWaiter implements BufferWaiter
{
    private final ReactorServices reactor;
    private final Runnable resume;
    /** In line for a chunk now. */
    boolean waiting;
    /** Granted and not taken yet. */
    PooledBuffer granted;

    /**
     * @param resume what goes on once a chunk was granted (read, or refill and write).
     */
    ChunkWaiter(final ReactorServices reactor, final Runnable resume)
    {
        this.reactor = reactor;
        this.resume = resume;
    }

    @Override
    public int wantedCapacity()
    {
        return MiddleConnection.CHUNK_BYTES;
    }

    @Override
    public boolean isWaitingForBuffer()
    {
        return waiting;
    }

    @Override
    public void onBufferGranted(final PooledBuffer buffer)
    {
        waiting = false;
        granted = buffer;
        reactor.onGranted(this);
    }

    @Override
    public void resumeAfterGrant()
    {
        resume.run();
    }

    /**
     * The connection closed: leave the line, and give back a chunk granted but not taken yet.
     */
    void giveBack(final BufferArena arena)
    {
        if (waiting)
        {
            waiting = false;
            arena.cancel(this);
        }
        if (null != granted)
        {
            final PooledBuffer chunk = granted;
            granted = null;
            arena.release(chunk);
        }
    }
}
