package io.mtgj.middle;

import io.mtgj.crypto.AesCbc;
import io.mtgj.middle.rpc.RpcFrame;
import io.mtgj.middle.rpc.RpcFrameEncoder;
import io.mtgj.middle.rpc.Rpc;
import io.mtgj.net.BufferArena;
import io.mtgj.net.PooledBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The frames on their way to one middle proxy (protocol.md 7.3): numbered, CBC-encrypted into a queue of arena
 * chunks (plain for the nonce, before the keys exist), written with one gathering write, each chunk given back as
 * soon as it is written. A frame that fits a chunk goes in whole once there is room; a larger one (a client packet
 * of up to 1 MiB, read from the client's heap array, which stays put meanwhile) is encrypted a chunk at a time as the
 * queue drains, its CRC and CBC state running across the pieces, every other frame waiting behind it. Chunks are
 * priority leases, at most {@value #MAX_CHUNKS}; when the arena has none, the queue waits in its line and its
 * connection goes on when one is granted. Reactor thread only.
 */
final class RpcOutbound
{
    /** Chunks the queue may hold: past them, frames wait. */
    static final int MAX_CHUNKS = 4;

    private final MiddlePools pools;
    private final BufferArena arena;
    private final ChunkWaiter waiter;
    private final RpcFrameEncoder frame = new RpcFrameEncoder();
    private final PooledBuffer[] chunks = new PooledBuffer[MAX_CHUNKS];
    private final ByteBuffer[] gather = new ByteBuffer[MAX_CHUNKS];
    private AesCbc encrypt;
    private int seq = Rpc.SEQ_NONCE;
    private boolean open = true;
    // Chunks [0, fillIndex) are full, fillIndex holds fill bytes, any after it are empty; the first start bytes of
    // chunk 0 are written.
    private int count;
    private int fillIndex;
    private int fill;
    private int start;
    /** Heap charge of the client array the frame in progress reads from, taken over from its client. */
    private long frameHeapBytes;

    /**
     * @param waiter its place in the arena's line: a grant resumes the connection, which refills and writes.
     */
    RpcOutbound(final MiddlePools pools, final ChunkWaiter waiter)
    {
        this.pools = pools;
        this.arena = pools.reactor().arena();
        this.waiter = waiter;
    }

    /**
     * From the next frame on, encrypt with these keys (the handshake and everything after it).
     */
    void encryptWith(final AesCbc cipher)
    {
        encrypt = cipher;
    }

    /**
     * @return whether a frame is being encrypted into the queue piece by piece.
     */
    boolean isFrameActive()
    {
        return frame.isActive();
    }

    /**
     * @return whether it waits for a chunk from the arena.
     */
    boolean isWaitingForChunk()
    {
        return waiter.waiting;
    }

    /**
     * Whether a new frame could be queued now, roughly: a waiting client is worth waking.
     */
    boolean hasRoomForFrames()
    {
        return !frame.isActive() && (freeRoom() > 0 || (count < MAX_CHUNKS && !waiter.waiting));
    }

    /**
     * A client's array was offered: while the frame in progress reads it, its heap charge stays taken, here, and
     * goes back when the frame is out (or the queue closes); otherwise it goes back now.
     *
     * @param source the array.
     * @param bytes  its charge on the reactor's allowance for promoted-channel clients.
     */
    void adoptHeap(final byte[] source, final long bytes)
    {
        if (open && frame.isReading(source))
        {
            frameHeapBytes += bytes;
        }
        else
        {
            pools.giveHeap(bytes);
        }
    }

    /**
     * Start a frame: whole when it fits a chunk and the queue has room for it, else in pieces from here on.
     *
     * @return false when it must wait (another frame in progress, no room, or no chunk from the arena yet).
     */
    boolean queueFrame(final byte[] first, final int firstOffset, final int firstLength, final byte[] second,
        final int secondOffset, final int secondLength)
    {
        if (frame.isActive())
        {
            return false; // frames cannot interleave
        }
        final int frameLength = RpcFrame.paddedLength(firstLength + secondLength);
        if (frameLength <= MiddleConnection.CHUNK_BYTES && !ensureRoom(frameLength))
        {
            return false;
        }
        frame.begin(first, firstOffset, firstLength, second, secondOffset, secondLength, seq);
        seq++; // only once the frame is accepted: a gap would break the connection
        fillFromFrame();
        return true;
    }

    /**
     * Encrypt the frame in progress into the queue, a chunk's worth at a time, leasing chunks up to the cap.
     */
    void fillFromFrame()
    {
        takeGrantedOut();
        while (frame.isActive())
        {
            if (fillIndex == count && (waiter.waiting || MAX_CHUNKS == count || !leaseOut()))
            {
                return;
            }
            // Chunk and frame lengths are multiples of 16, so every piece is whole CBC blocks.
            final int n = Math.min(MiddleConnection.CHUNK_BYTES - fill, frame.remaining());
            final byte[] plain = pools.scratch(n, 0);
            frame.next(plain, 0, n);
            final UnsafeBuffer chunk = chunks[fillIndex].buffer();
            if (null == encrypt)
            {
                chunk.putBytes(fill, plain, 0, n); // the nonce frame
            }
            else
            {
                final byte[] cipher = pools.scratch(n, 1);
                encrypt.update(plain, 0, n, cipher, 0);
                chunk.putBytes(fill, cipher, 0, n);
            }
            fill += n;
            if (MiddleConnection.CHUNK_BYTES == fill)
            {
                fillIndex++;
                fill = 0;
            }
        }
        if (frameHeapBytes > 0)
        {
            pools.giveHeap(frameHeapBytes);
            frameHeapBytes = 0;
        }
    }

    /**
     * @param length bytes of a frame that fits a chunk.
     * @return whether the queue has room for it now; if not, it may be waiting for a chunk from the arena.
     */
    private boolean ensureRoom(final int length)
    {
        takeGrantedOut();
        while (freeRoom() < length)
        {
            if (waiter.waiting || MAX_CHUNKS == count || !leaseOut())
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return whether a chunk joined the queue; if not, the connection now waits in the arena's priority line.
     */
    private boolean leaseOut()
    {
        final PooledBuffer chunk = arena.lease(MiddleConnection.CHUNK_BYTES, true);
        if (null != chunk)
        {
            chunks[count++] = chunk;
            return true;
        }
        waiter.waiting = true;
        arena.await(waiter, true);
        return takeGrantedOut(); // it may have been served at once
    }

    private boolean takeGrantedOut()
    {
        final PooledBuffer chunk = waiter.granted;
        if (null == chunk)
        {
            return false;
        }
        waiter.granted = null;
        if (count < MAX_CHUNKS && open)
        {
            chunks[count++] = chunk;
            return true;
        }
        arena.release(chunk);
        return false;
    }

    private int freeRoom()
    {
        return (count - fillIndex) * MiddleConnection.CHUNK_BYTES - fill;
    }

    int queuedBytes()
    {
        return fillIndex * MiddleConnection.CHUNK_BYTES + fill - start;
    }

    /**
     * One gathering write of the queued chunks; chunks written out go back to the arena at once.
     */
    void write(final SocketChannel channel) throws IOException
    {
        final int last = Math.min(fillIndex, count - 1);
        int pieces = 0;
        for (int i = 0; i <= last; i++)
        {
            final int from = 0 == i ? start : 0;
            final int to = i < fillIndex ? MiddleConnection.CHUNK_BYTES : fill;
            if (to > from)
            {
                gather[pieces++] = chunks[i].view(from, to);
            }
        }
        long written = 0;
        if (pieces > 0)
        {
            written = channel.write(gather, 0, pieces);
            for (int i = 0; i < pieces; i++)
            {
                gather[i] = null;
            }
        }
        advance(written);
    }

    private void advance(final long written)
    {
        long left = written;
        while (fillIndex > 0)
        {
            final int rest = MiddleConnection.CHUNK_BYTES - start;
            if (left < rest)
            {
                start += (int)left;
                return;
            }
            left -= rest;
            final PooledBuffer head = chunks[0];
            System.arraycopy(chunks, 1, chunks, 0, count - 1);
            chunks[--count] = null;
            fillIndex--;
            start = 0;
            arena.release(head);
        }
        start += (int)left;
        if (start == fill)
        {
            releaseAll(); // all written: hold nothing (what waits for room needs one chunk at most, leased anew)
        }
    }

    void releaseAll()
    {
        final int held = count;
        count = 0;
        fillIndex = 0;
        fill = 0;
        start = 0;
        for (int i = 0; i < held; i++)
        {
            final PooledBuffer chunk = chunks[i];
            chunks[i] = null;
            arena.release(chunk);
        }
    }

    /**
     * The connection closed: give back every chunk, a chunk granted but not taken, and the heap charge held.
     */
    void close()
    {
        open = false;
        frame.clear();
        if (frameHeapBytes > 0)
        {
            pools.giveHeap(frameHeapBytes);
            frameHeapBytes = 0;
        }
        waiter.giveBack(arena);
        releaseAll();
    }
}
