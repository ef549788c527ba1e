package io.mtgj.net;

import io.mtgj.crypto.AesCtr;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One direction of a session: reads from the source side into a leased off-heap buffer, transcodes the new bytes
 * in place (source cipher off, sink cipher on) and writes them to the sink with a gathering write behind an
 * optional header. The buffer is the high-water mark: while it is full the source is not read (style.md 7).
 */
final class Pipe
{
    private final Side source;
    private final Side sink;
    private final BufferPool pool;
    private PooledBuffer buffer;
    private int start;
    private int end;
    private ByteBuffer header;
    private AesCtr sourceCipher;
    private AesCtr sinkCipher;
    private boolean sinkReady;
    private boolean sourceEof;
    private long bytes;

    Pipe(final Side source, final Side sink, final BufferPool pool)
    {
        this.source = source;
        this.sink = sink;
        this.pool = pool;
    }

    /**
     * Start transcoding: bytes from {@code fromIndex} on are decrypted and re-encrypted now; earlier ones (the
     * handshake) are dropped.
     */
    void startRelay(final Reactor reactor, final int fromIndex, final AesCtr sourceCipher, final AesCtr sinkCipher)
    {
        this.sourceCipher = sourceCipher;
        this.sinkCipher = sinkCipher;
        if (null != buffer)
        {
            start = fromIndex;
            if (end > start)
            {
                reactor.transcoder().transcode(buffer.buffer(), start, end - start, sourceCipher, sinkCipher);
            }
        }
    }

    /**
     * @param header bytes to write before any data, e.g. the proxy's frame to the DC.
     */
    void header(final byte[] header)
    {
        this.header = ByteBuffer.wrap(header);
    }

    void sinkReady()
    {
        sinkReady = true;
    }

    /**
     * @return bytes read, 0 when nothing was available or the buffer is full, -1 at end of stream.
     */
    int read(final Reactor reactor) throws IOException
    {
        if (null == buffer)
        {
            buffer = pool.lease();
            start = 0;
            end = 0;
        }
        if (end == buffer.capacity())
        {
            return 0;
        }
        final int n = source.channel.read(buffer.view(end, buffer.capacity()));
        if (n > 0)
        {
            if (null != sourceCipher)
            {
                reactor.transcoder().transcode(buffer.buffer(), end, n, sourceCipher, sinkCipher);
            }
            end += n;
            bytes += n;
        }
        else if (n < 0)
        {
            sourceEof = true;
        }
        return n;
    }

    /**
     * Write what is pending; once the source has ended and everything is out, shut the sink's output.
     */
    void flush(final Reactor reactor) throws IOException
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
            if (null != buffer && end > start)
            {
                gather[count++] = buffer.view(start, end);
            }
            final long written = sink.channel.write(gather, 0, count);
            gather[0] = null;
            gather[1] = null;
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
            if (start == end)
            {
                start = 0;
                end = 0;
            }
        }
        if (sourceEof && !hasPending() && !sink.outputShut)
        {
            sink.outputShut = true;
            sink.channel.shutdownOutput();
        }
    }

    boolean hasPending()
    {
        return null != header || (null != buffer && end > start);
    }

    boolean wantsRead()
    {
        return !sourceEof && (null == buffer || end < buffer.capacity());
    }

    boolean wantsWrite()
    {
        return sinkReady && hasPending();
    }

    boolean isDone()
    {
        return sink.outputShut;
    }

    boolean isSourceEof()
    {
        return sourceEof;
    }

    PooledBuffer buffer()
    {
        return buffer;
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
            pool.release(buffer);
            buffer = null;
            start = 0;
            end = 0;
        }
    }

    void releaseAll()
    {
        if (null != buffer)
        {
            pool.release(buffer);
            buffer = null;
        }
        start = 0;
        end = 0;
        header = null;
    }
}
