package io.mtgj.net;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * Runs a {@link Tunnel}'s exchange on a connected, non-blocking channel, inside its owner's readiness events: writes
 * each message (resuming on {@code OP_WRITE}), reads the relay's answers into a small heap buffer and hands them to
 * the tunnel. Owns no socket and nothing leased from the arena, so dropping it leaks nothing. Reactor thread only;
 * one per dial attempt (a handshake-path object, allocation is fine).
 */
public final class TunnelConnector
{
    /** Bytes of each of its two buffers: the largest message either way fits. */
    public static final int CAPACITY = 640;
    /** The exchange goes on. */
    public static final int IN_PROGRESS = 0;
    /** The tunnel stands: the owner goes on as if just connected to the target. */
    public static final int READY = 1;
    /** The attempt failed (counted and logged by the tunnel): the owner drops the channel. */
    public static final int FAILED = 2;

    private final Tunnel tunnel;
    private final byte[] inArray = new byte[CAPACITY];
    private final byte[] outArray = new byte[CAPACITY];
    private final UnsafeBuffer in = new UnsafeBuffer(inArray);
    private final UnsafeBuffer out = new UnsafeBuffer(outArray);
    private final ByteBuffer inBytes = ByteBuffer.wrap(inArray);
    private final ByteBuffer outBytes = ByteBuffer.wrap(outArray);
    private int inLength;
    private int outLength;
    private int outWritten;
    private boolean started;
    private int state = IN_PROGRESS;

    /**
     * @param tunnel the attempt to run.
     */
    public TunnelConnector(final Tunnel tunnel)
    {
        this.tunnel = tunnel;
    }

    /**
     * @return the attempt.
     */
    public Tunnel tunnel()
    {
        return tunnel;
    }

    /**
     * @return whether the TCP connection to the relay is up and the exchange started.
     */
    public boolean isStarted()
    {
        return started;
    }

    /**
     * @return the interest the channel needs now: {@code OP_CONNECT} before {@link #onConnected}, then write while
     *         a message is unsent, read otherwise.
     */
    public int interestOps()
    {
        if (!started)
        {
            return SelectionKey.OP_CONNECT;
        }
        return outWritten < outLength ? SelectionKey.OP_WRITE : SelectionKey.OP_READ;
    }

    /**
     * The TCP connection to the relay is up: send the first message.
     *
     * @return {@link #IN_PROGRESS} or {@link #FAILED}.
     */
    public int onConnected(final SocketChannel channel)
    {
        started = true;
        outLength = tunnel.start(out);
        outWritten = 0;
        return flush(channel);
    }

    /**
     * The TCP connection to the relay failed.
     */
    public void onConnectFailed(final String detail)
    {
        fail(Tunnel.BROKEN_CONNECT, detail);
    }

    /**
     * The dial timeout passed; harmless after the outcome.
     */
    public void onTimeout()
    {
        fail(Tunnel.BROKEN_TIMEOUT, null);
    }

    /**
     * A readiness event on the channel after {@link #onConnected}.
     *
     * @return {@link #IN_PROGRESS}, {@link #READY} or {@link #FAILED}.
     */
    public int onSelected(final SocketChannel channel, final int readyOps)
    {
        if (IN_PROGRESS != state)
        {
            return state;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && outWritten < outLength && FAILED == flush(channel))
        {
            return state;
        }
        if (((readyOps & SelectionKey.OP_READ) != 0 || 0 == readyOps) && outWritten == outLength)
        {
            return read(channel);
        }
        return state;
    }

    private int flush(final SocketChannel channel)
    {
        try
        {
            outBytes.limit(outLength).position(outWritten);
            outWritten += channel.write(outBytes);
            return state;
        }
        catch (final IOException ex)
        {
            return fail(Tunnel.BROKEN_CLOSED, ex.getMessage());
        }
    }

    private int read(final SocketChannel channel)
    {
        final int n;
        try
        {
            inBytes.limit(CAPACITY).position(inLength);
            n = channel.read(inBytes);
        }
        catch (final IOException ex)
        {
            return fail(Tunnel.BROKEN_CLOSED, ex.getMessage());
        }
        if (n < 0)
        {
            // a failure answer followed by a close was already seen: the tunnel decides on a reply's first 2 bytes
            return fail(Tunnel.BROKEN_CLOSED, "closed by the server");
        }
        if (0 == n)
        {
            return state;
        }
        inLength += n;
        final int result = tunnel.onBytes(in, inLength, out);
        if (Tunnel.READY == result)
        {
            state = READY;
        }
        else if (Tunnel.FAILED == result)
        {
            state = FAILED;
        }
        else if (result > 0)
        {
            inLength = 0;
            outLength = result;
            outWritten = 0;
            return flush(channel);
        }
        else if (CAPACITY == inLength)
        {
            // every answer fits the buffer; the tunnel would have said so if this one was complete
            return fail(Tunnel.BROKEN_CLOSED, "answer larger than any SOCKS5 message");
        }
        return state;
    }

    private int fail(final int cause, final String detail)
    {
        if (IN_PROGRESS == state)
        {
            state = FAILED;
            tunnel.onBroken(cause, detail);
        }
        return state;
    }
}
