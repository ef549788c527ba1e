package io.mtgj.net;

/**
 * Something that asked its reactor's {@link BufferArena} for a buffer and found none: it stopped reading and waits in
 * line. The arena hands it the next buffer that fits, and the reactor then lets it go on, outside the arena's call.
 */
public interface BufferWaiter
{
    /**
     * @return bytes of the buffer it waits for.
     */
    int wantedCapacity();

    /**
     * @return false once it no longer waits (it was given a buffer or it closed): the arena skips it.
     */
    boolean isWaitingForBuffer();

    /**
     * Take the buffer: store it and nothing more, since the arena is in the middle of a release.
     *
     * @param buffer a leased buffer of {@link #wantedCapacity()} bytes, now the waiter's.
     */
    void onBufferGranted(PooledBuffer buffer);

    /**
     * Go on with the buffer granted (read what waited, write what was queued); called by the reactor, on its thread,
     * after the event that freed the buffer.
     */
    void resumeAfterGrant();
}
