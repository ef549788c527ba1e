package io.mtgj.net;

import io.mtgj.crypto.AesCtr;
import io.mtgj.faketls.RecordFraming;
import io.mtgj.faketls.RecordSizing;
import io.mtgj.faketls.RecordUnwrapper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One direction of a session: reads from the source side into a leased off-heap buffer, transcodes the new bytes
 * in place (source cipher off, sink cipher on) and writes them to the sink with a gathering write behind an
 * optional header. The buffer is the high-water mark: while it is full the source is not read (style.md 7).
 * <p>
 * The buffer comes from the reactor's {@link BufferArena} when bytes arrive and goes back once they are all written.
 * When the arena has none, the pipe waits in its line with the source's reads off ({@link #NO_BUFFER}); the session
 * goes on when one is granted. While bytes wait for the sink, the time of its last progress is kept, so that a peer
 * that accepts nothing for the stall timeout can be told apart from a slow one ({@link #isStalled}).
 * <p>
 * Indexes: {@code [start, payloadEnd)} is ready for the sink; {@code [payloadEnd, end)} holds the few bytes of a
 * record header cut by a read (FakeTLS from the client only). Optional stages: records unwrapped from the source
 * (client to proxy) or framed for the sink (proxy to client), both in place.
 */
final class Pipe implements BufferWaiter, RelayPipe
{
    /** {@link #read} result: the source broke the record stream. */
    static final int BROKEN = -2;
    /** {@link #read} result: no buffer to read into; the pipe waits for one, its source's reads off. */
    static final int NO_BUFFER = -3;

    private final Reactor reactor;
    private final Side source;
    private final Side sink;
    private final BufferArena arena;
    private final int capacity;
    private final ReactorCounters counters;
    private int sourceBytesCounter;
    private int sinkBytesCounter;
    private PooledBuffer buffer;
    private int start;
    private int payloadEnd;
    private int end;
    private ByteBuffer header;
    private AesCtr sourceCipher;
    private AesCtr sinkCipher;
    private RecordUnwrapper unwrapper;
    private boolean framesRecords;
    /** Whether records towards the client grow from small to full ({@link RecordSizing}). */
    private boolean sizesRecords;
    /** Records framed since the start or the last idle second, counted up to {@link RecordSizing#FULL}. */
    private int recordsFramed;
    private long lastRecordNs;
    private boolean sinkReady;
    private boolean sourceEof;
    private boolean priority;
    private boolean waitingForBuffer;
    private long lastProgressNs;
    private long bytes;
    /** Named users: the account the client's bytes count towards, read here (ingress) or written here (egress). */
    private ClientAccount ingressAccount;
    private ClientAccount egressAccount;

    Pipe(
        final Reactor reactor,
        final Side source,
        final Side sink,
        final int capacity,
        final int sourceBytesCounter,
        final int sinkBytesCounter)
    {
        this.reactor = reactor;
        this.source = source;
        this.sink = sink;
        this.arena = reactor.arena();
        this.capacity = capacity;
        this.counters = reactor.counters();
        this.sourceBytesCounter = sourceBytesCounter;
        this.sinkBytesCounter = sinkBytesCounter;
    }

    /**
     * Count the upstream side's bytes as Telegram's or the cloak host's, once the session knows which it dials.
     *
     * @param counter a byte counter of {@link ReactorCounters}.
     */
    void countSourceBytesIn(final int counter)
    {
        sourceBytesCounter = counter;
    }

    /**
     * @param counter a byte counter of {@link ReactorCounters}.
     * @see #countSourceBytesIn(int)
     */
    void countSinkBytesIn(final int counter)
    {
        sinkBytesCounter = counter;
    }

    /**
     * Count the client's side of this pipe towards a named user's account from now on.
     *
     * @param account the account the client proved.
     */
    void countFor(final ClientAccount account)
    {
        if (source.isClient)
        {
            ingressAccount = account;
        }
        else if (sink.isClient)
        {
            egressAccount = account;
        }
    }

    /**
     * Start transcoding: bytes from {@code fromIndex} on are decrypted and re-encrypted now; earlier ones (the
     * handshake) are dropped.
     */
    void startRelay(final int fromIndex, final AesCtr sourceCipher, final AesCtr sinkCipher)
    {
        this.sourceCipher = sourceCipher;
        this.sinkCipher = sinkCipher;
        if (null != buffer)
        {
            start = fromIndex;
            if (payloadEnd > start)
            {
                reactor.transcoder().transcode(buffer.buffer(), start, payloadEnd - start, sourceCipher, sinkCipher);
            }
        }
    }

    /**
     * The connection has been silent for a while: let its ciphers drop their JCE state until bytes come again
     * ({@link AesCtr#sleep()}).
     */
    void sleepCiphers()
    {
        if (null != sourceCipher)
        {
            sourceCipher.sleep();
        }
        if (null != sinkCipher)
        {
            sinkCipher.sleep();
        }
    }

    /**
     * Unwrap TLS records from the source from now on, dropping the {@code consumed} bytes before them.
     *
     * @return false when what already arrived is not a record stream.
     */
    boolean startUnwrapping(final int consumed)
    {
        unwrapper = new RecordUnwrapper();
        start = consumed;
        payloadEnd = consumed;
        return unwrapNew();
    }

    /**
     * Frame what goes to the sink as TLS records from now on.
     *
     * @param sized whether the first records are small ({@link RecordSizing}); otherwise all are full.
     */
    void startFramingRecords(final boolean sized)
    {
        framesRecords = true;
        sizesRecords = sized;
    }

    /**
     * @return the index of the next record in {@link RecordSizing}'s schedule; {@link RecordSizing#FULL} when
     *         records are not sized.
     */
    private int recordIndex()
    {
        if (!sizesRecords)
        {
            return RecordSizing.FULL;
        }
        if (0 != recordsFramed && reactor.nowNs() - lastRecordNs >= RecordSizing.IDLE_RESET_NS)
        {
            recordsFramed = 0;
        }
        return recordsFramed;
    }

    /**
     * @return the largest payload of the record about to be framed, counting it.
     */
    private int nextRecordLimit(final int index)
    {
        if (index < RecordSizing.FULL)
        {
            recordsFramed = index + 1;
        }
        if (sizesRecords)
        {
            // every record, full ones too: only a second of silence starts small again, not a second of sending
            lastRecordNs = reactor.nowNs();
        }
        return RecordSizing.payloadLimit(index);
    }

    /**
     * @param header bytes to write before any data, e.g. the proxy's frame to the DC or the ServerHello; null for
     *               none.
     */
    void header(final byte[] header)
    {
        this.header = null == header ? null : ByteBuffer.wrap(header);
    }

    void sinkReady()
    {
        sinkReady = true;
    }

    /**
     * @param priority whether its buffers may come from the arena's reserve, ahead of relays: handshakes and cloaking.
     */
    void priority(final boolean priority)
    {
        this.priority = priority;
    }

    /**
     * @return bytes read, 0 when nothing was available or the buffer is full, -1 at end of stream,
     *         {@link #BROKEN} or {@link #NO_BUFFER}.
     */
    int read() throws IOException
    {
        if (!leaseIfNeeded())
        {
            return NO_BUFFER;
        }
        if (!hasPending())
        {
            lastProgressNs = reactor.nowNs(); // the sink owes nothing yet: its clock starts with these bytes
        }
        if (framesRecords)
        {
            return readIntoRecords();
        }
        final int room = buffer.capacity() - end;
        if (room <= 0)
        {
            return 0;
        }
        final int n = source.channel.read(buffer.view(end, end + room));
        if (n <= 0)
        {
            sourceEof |= n < 0;
            return n;
        }
        bytes += n;
        counters.addBytes(sourceBytesCounter, n);
        if (null != ingressAccount)
        {
            ingressAccount.addIngress(n);
        }
        final int transcodeFrom = payloadEnd;
        end += n;
        if (null != unwrapper)
        {
            if (!unwrapNew())
            {
                return BROKEN;
            }
        }
        else
        {
            payloadEnd = end;
        }
        if (null != sourceCipher && payloadEnd > transcodeFrom)
        {
            reactor.transcoder().transcode(
                buffer.buffer(), transcodeFrom, payloadEnd - transcodeFrom, sourceCipher, sinkCipher);
        }
        return n;
    }

    /**
     * FakeTLS towards the client: one read as large as the buffer allows, then cut into records of at most 16 KiB
     * (smaller at first when sized, {@link RecordSizing}) in place. The bytes land after room for every header they
     * may need, and each chunk moves down behind its header (protocol.md 4.7): one copy instead of a syscall per
     * record.
     */
    private int readIntoRecords() throws IOException
    {
        final int space = buffer.capacity() - end;
        int index = recordIndex();
        final int room = RecordSizing.payloadRoom(index, space);
        if (room <= 0)
        {
            return 0;
        }
        // Read to the buffer's end: the bytes before are room for at least every header the read may need.
        final int readAt = buffer.capacity() - room;
        final int n = source.channel.read(buffer.view(readAt, readAt + room));
        if (n <= 0)
        {
            sourceEof |= n < 0;
            return n;
        }
        bytes += n;
        counters.addBytes(sourceBytesCounter, n);
        if (null != ingressAccount)
        {
            ingressAccount.addIngress(n);
        }
        final UnsafeBuffer bytesIn = buffer.buffer();
        int from = readAt;
        int to = end;
        for (int left = n; left > 0; )
        {
            final int length = Math.min(left, nextRecordLimit(index++));
            RecordFraming.writeHeader(bytesIn, to, length);
            to += RecordFraming.HEADER_LENGTH;
            if (to != from)
            {
                bytesIn.putBytes(to, bytesIn, from, length);
            }
            if (null != sourceCipher)
            {
                reactor.transcoder().transcode(bytesIn, to, length, sourceCipher, sinkCipher);
            }
            from += length;
            to += length;
            left -= length;
        }
        end = to;
        payloadEnd = end;
        return n;
    }

    /**
     * @return whether the pipe has a buffer; if not, it now waits in the arena's line.
     */
    private boolean leaseIfNeeded()
    {
        if (null != buffer)
        {
            return true;
        }
        if (waitingForBuffer)
        {
            return false;
        }
        final PooledBuffer leased = arena.lease(capacity, priority);
        if (null == leased)
        {
            waitingForBuffer = true;
            arena.await(this, priority);
            return null != buffer; // the arena may have served it at once
        }
        take(leased);
        return true;
    }

    private void take(final PooledBuffer leased)
    {
        buffer = leased;
        start = 0;
        payloadEnd = 0;
        end = 0;
    }

    @Override
    public int wantedCapacity()
    {
        return capacity;
    }

    @Override
    public boolean isWaitingForBuffer()
    {
        return waitingForBuffer;
    }

    @Override
    public void onBufferGranted(final PooledBuffer granted)
    {
        waitingForBuffer = false;
        take(granted);
        reactor.onGranted(this);
    }

    @Override
    public void resumeAfterGrant()
    {
        source.session.onBufferGranted(this);
    }

    Session session()
    {
        return source.session;
    }

    /**
     * @param nowNs         the reactor's time.
     * @param stallTimeoutNs the stall timeout.
     * @return whether bytes have waited for the sink, with not one accepted, for the stall timeout.
     */
    boolean isStalled(final long nowNs, final long stallTimeoutNs)
    {
        return sinkReady && hasPending() && nowNs - lastProgressNs >= stallTimeoutNs;
    }

    /**
     * @return when the bytes waiting for the sink last made progress; meaningful while {@link #hasPending()}.
     */
    long lastProgressNs()
    {
        return lastProgressNs;
    }

    private boolean unwrapNew()
    {
        if (null == buffer)
        {
            return true;
        }
        final int unwrapped = unwrapper.unwrap(buffer.buffer(), payloadEnd, end);
        if (RecordUnwrapper.ERROR == unwrapped)
        {
            return false;
        }
        payloadEnd = unwrapped;
        end = unwrapped + unwrapper.tailLength();
        return true;
    }

    /**
     * Write what is pending; once the source has ended and everything is out, shut the sink's output.
     */
    @Override
    public void flush() throws IOException
    {
        if (!sinkReady)
        {
            return;
        }
        if (hasPending())
        {
            final ByteBuffer[] gather = reactor.gatherArray();
            int count = 0;
            int headerBefore = 0;
            if (null != header)
            {
                headerBefore = header.remaining();
                gather[count++] = header;
            }
            if (null != buffer && payloadEnd > start)
            {
                gather[count++] = buffer.view(start, payloadEnd);
            }
            final long written = sink.channel.write(gather, 0, count);
            gather[0] = null;
            gather[1] = null;
            if (written > 0)
            {
                lastProgressNs = reactor.nowNs();
            }
            counters.addBytes(sinkBytesCounter, written);
            if (null != egressAccount && written > 0)
            {
                egressAccount.addEgress(written);
            }
            long dataWritten = written;
            if (null != header)
            {
                dataWritten -= headerBefore - header.remaining();
                if (!header.hasRemaining())
                {
                    header = null;
                }
            }
            start += (int)dataWritten;
            if (start == payloadEnd)
            {
                rewind();
            }
        }
        if (sourceEof && !hasPending() && !sink.outputShut)
        {
            sink.outputShut = true;
            sink.channel.shutdownOutput();
        }
    }

    /**
     * Everything ready was written: move a cut header's bytes, if any, to the front and start over.
     */
    private void rewind()
    {
        final int tail = end - payloadEnd;
        if (tail > 0)
        {
            buffer.buffer().putBytes(0, buffer.buffer(), payloadEnd, tail);
        }
        start = 0;
        payloadEnd = 0;
        end = tail;
    }

    /**
     * Shared-upstream mode: the bytes before {@code index} were taken out of the buffer.
     */
    @Override
    public void consumed(final int index)
    {
        start = index;
        if (start == payloadEnd)
        {
            rewind();
        }
    }

    @Override
    public int append(final byte[] src, final int offset, final int length)
    {
        return append(reactor.heapView(src), offset, length);
    }

    @Override
    public int append(final DirectBuffer src, final int offset, final int length)
    {
        final int at = reserveAppend(length);
        if (at < 0)
        {
            return 0;
        }
        final int n = end - at;
        buffer.buffer().putBytes(at, src, offset, n);
        reactor.transcoder().transcode(buffer.buffer(), at, n, null, sinkCipher);
        return n;
    }

    /**
     * Shared-upstream mode: make room for up to {@code length} bytes towards the sink (behind a record header when
     * framing) and count them as ready; the caller copies them in and encrypts them in place.
     *
     * @return where the bytes go, up to {@link #end}; -1 when the buffer is full or none could be leased.
     */
    private int reserveAppend(final int length)
    {
        if (!leaseIfNeeded())
        {
            return -1;
        }
        if (!hasPending())
        {
            lastProgressNs = reactor.nowNs();
        }
        final int reserve = framesRecords ? RecordFraming.HEADER_LENGTH : 0;
        final int room = buffer.capacity() - end - reserve;
        if (room <= 0)
        {
            return -1;
        }
        final int n = Math.min(length, framesRecords ? Math.min(room, nextRecordLimit(recordIndex())) : room);
        if (framesRecords)
        {
            RecordFraming.writeHeader(buffer.buffer(), end, n);
        }
        final int at = end + reserve;
        end = at + n;
        payloadEnd = end;
        bytes += n;
        return at;
    }

    boolean hasPending()
    {
        return null != header || (null != buffer && payloadEnd > start);
    }

    boolean wantsRead()
    {
        final int reserve = framesRecords ? RecordFraming.HEADER_LENGTH : 0;
        return !sourceEof && !waitingForBuffer && (null == buffer || end + reserve < buffer.capacity());
    }

    boolean wantsWrite()
    {
        return sinkReady && hasPending();
    }

    boolean isDone()
    {
        return sink.outputShut;
    }

    boolean isFull()
    {
        return null != buffer && !sourceEof && end + (framesRecords ? RecordFraming.HEADER_LENGTH : 0) >= buffer.capacity();
    }

    @Override
    public PooledBuffer buffer()
    {
        return buffer;
    }

    @Override
    public int start()
    {
        return start;
    }

    @Override
    public int payloadEnd()
    {
        return payloadEnd;
    }

    int end()
    {
        return end;
    }

    long bytes()
    {
        return bytes;
    }

    /**
     * An idle pipe holds no buffer.
     */
    void releaseIfEmpty()
    {
        if (null != buffer && end == start)
        {
            arena.release(buffer);
            buffer = null;
            start = 0;
            payloadEnd = 0;
            end = 0;
        }
    }

    /**
     * Drop the first bytes read, a load balancer's PROXY protocol header: the client's bytes after it move down to
     * index 0 of the same buffer, where the handshake expects its first byte. Before the handshake only.
     *
     * @param length the header's length, at most what was read.
     */
    void dropHandshakePrefix(final int length)
    {
        final int rest = end - length;
        if (rest > 0)
        {
            buffer.buffer().putBytes(0, buffer.buffer(), length, rest);
        }
        start = 0;
        end = rest;
        payloadEnd = rest;
    }

    void releaseAll()
    {
        sleepCiphers(); // their JCE ciphers become the reactor thread's spares for the next connection
        if (waitingForBuffer)
        {
            waitingForBuffer = false;
            arena.cancel(this);
        }
        if (null != buffer)
        {
            arena.release(buffer);
            buffer = null;
        }
        start = 0;
        payloadEnd = 0;
        end = 0;
        header = null;
    }
}
