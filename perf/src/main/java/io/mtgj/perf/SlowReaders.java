package io.mtgj.perf;

import io.mtgj.secret.Secret;
import io.mtgj.transport.ProtocolTag;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that each ask the fake DC for an endless download and then read it at a set rate, like a phone on a bad
 * link: Telegram sends faster than they read. A small receive buffer on each socket keeps the kernel from hiding
 * the rate. One pacing thread serves them all: every tick it reads, from each socket, what that client's
 * {@link ReadPacer} allows and the socket already holds, so it never blocks on one of them. The bytes are
 * counted, not decrypted.
 */
final class SlowReaders implements AutoCloseable
{
    /** Each reader's receive buffer (Linux doubles it, and keeps at least about 2 KB). */
    static final int RECEIVE_BUFFER_BYTES = 4096;
    private static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Far more than any slow phase reads: the fake DC keeps sending until the client goes. */
    private static final long DOWNLOAD_BYTES = 1L << 40;

    private final List<Reader> readers;
    private final long bytesPerSecond;
    private final AtomicLong bytesRead = new AtomicLong();
    private final Thread pacer;
    private volatile boolean running = true;

    private SlowReaders(final List<Reader> readers, final long bytesPerSecond)
    {
        this.readers = readers;
        this.bytesPerSecond = bytesPerSecond;
        this.pacer = new Thread(this::paceLoop, "slow-readers");
        this.pacer.setDaemon(true);
    }

    /**
     * Connect {@code count} clients, each asking for a download, then start reading at the rate.
     *
     * @param target         the proxy.
     * @param secret         its secret.
     * @param count          clients.
     * @param bytesPerSecond what each reads per second.
     * @param timeoutMs      connect and handshake timeout.
     * @param progress       where to report every 100 clients, or null.
     * @return the running readers.
     * @throws IOException when one cannot connect (the others are closed).
     */
    static SlowReaders open(final InetSocketAddress target, final Secret secret, final int count,
        final long bytesPerSecond, final int timeoutMs, final PrintStream progress) throws IOException
    {
        final List<Reader> readers = new ArrayList<>(count);
        final Random random = new SecureRandom();
        try
        {
            for (int i = 0; i < count; i++)
            {
                final ClientConnection client = ClientConnection.connect(target, secret, ProtocolTag.INTERMEDIATE,
                    (short)2, random, timeoutMs);
                readers.add(new Reader(client, bytesPerSecond));
                // Before any data flows, so the window the proxy sees is small from the start.
                client.socket().setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
                client.send(downloadCommand(DOWNLOAD_BYTES));
                if (null != progress && 0 == (i + 1) % 100)
                {
                    progress.println("slow readers: " + (i + 1) + " connected");
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            new SlowReaders(readers, bytesPerSecond).close();
            throw ex;
        }
        final SlowReaders slow = new SlowReaders(readers, bytesPerSecond);
        slow.pacer.start();
        return slow;
    }

    /**
     * @param bytes how much to ask for.
     * @return the packet that asks the fake DC to stream that many bytes.
     */
    static byte[] downloadCommand(final long bytes)
    {
        final byte[] command = java.util.Arrays.copyOf(FakeDc.BULK_COMMAND, FakeDc.BULK_COMMAND.length + 8);
        for (int i = 0; i < 8; i++)
        {
            command[FakeDc.BULK_COMMAND.length + i] = (byte)(bytes >>> (8 * i));
        }
        return command;
    }

    /**
     * @return bytes read by every reader so far.
     */
    long bytesRead()
    {
        return bytesRead.get();
    }

    /**
     * @return readers.
     */
    int size()
    {
        return readers.size();
    }

    /**
     * Stop reading and see which connections the proxy has closed: a read that ends the stream or fails.
     *
     * @return readers whose connection is still open.
     * @throws InterruptedException when interrupted.
     */
    int stopAndCountOpen() throws InterruptedException
    {
        stop();
        int open = 0;
        for (final Reader reader : readers)
        {
            if (!reader.closed && !reader.isClosedByPeer())
            {
                open++;
            }
        }
        return open;
    }

    private void stop() throws InterruptedException
    {
        running = false;
        pacer.interrupt();
        pacer.join(TimeUnit.NANOSECONDS.toMillis(TICK_NS) * 50);
    }

    private void paceLoop()
    {
        final byte[] scratch = new byte[(int)Math.max(1, Math.min(64 * 1024, bytesPerSecond))];
        long nextNs = System.nanoTime();
        while (running)
        {
            for (final Reader reader : readers)
            {
                if (!running)
                {
                    return;
                }
                bytesRead.addAndGet(reader.readAllowed(scratch, System.nanoTime()));
            }
            nextNs += TICK_NS;
            final long waitNs = nextNs - System.nanoTime();
            if (waitNs > 0)
            {
                try
                {
                    TimeUnit.NANOSECONDS.sleep(waitNs);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
            }
            else
            {
                nextNs = System.nanoTime(); // fell behind: no burst of ticks to catch up
            }
        }
    }

    @Override
    public void close()
    {
        try
        {
            stop();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        for (final Reader reader : readers)
        {
            try
            {
                reader.client.close();
            }
            catch (final IOException ignore)
            {
                // closing anyway
            }
        }
    }

    /**
     * One slow client: its connection and its pace. Used by the pacing thread only, until it stops.
     */
    private static final class Reader
    {
        private final ClientConnection client;
        private final InputStream raw;
        private final ReadPacer pacer;
        private boolean closed;

        Reader(final ClientConnection client, final long bytesPerSecond) throws IOException
        {
            this.client = client;
            // The socket's own stream, not the client's buffered one: each read takes only what the pace allows.
            this.raw = client.socket().getInputStream();
            this.pacer = new ReadPacer(bytesPerSecond, bytesPerSecond, System.nanoTime());
        }

        /**
         * @return bytes read now: at most what the pace allows and what the socket holds, so it never blocks.
         */
        long readAllowed(final byte[] scratch, final long nowNs)
        {
            if (closed)
            {
                return 0;
            }
            try
            {
                final int length = (int)Math.min(scratch.length, Math.min(pacer.allowance(nowNs), raw.available()));
                if (length <= 0)
                {
                    return 0;
                }
                final int read = raw.read(scratch, 0, length);
                if (read < 0)
                {
                    closed = true;
                    return 0;
                }
                pacer.consumed(read);
                return read;
            }
            catch (final IOException ex)
            {
                closed = true;
                return 0;
            }
        }

        boolean isClosedByPeer()
        {
            try
            {
                client.socket().setSoTimeout(50);
                return raw.read() < 0;
            }
            catch (final SocketTimeoutException ex)
            {
                return false;
            }
            catch (final IOException ex)
            {
                return true;
            }
        }
    }
}
