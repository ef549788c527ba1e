package io.mtgj.clock;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SNTP server on 127.0.0.1 for tests: a thread answering each request with what its {@link Responder} builds,
 * or nothing. Bounded: it stops after {@link #LIFETIME_MS} or {@link #MAX_REQUESTS} (or the bounds it is given),
 * whichever comes first. Public for the end-to-end tests of the perf module, which point a proxy's {@code --ntp-server}
 * at it.
 */
public final class FakeSntpServer implements AutoCloseable
{
    static final long LIFETIME_MS = 20_000;
    static final int MAX_REQUESTS = 1_000;
    static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;
    static final double FRACTION_PER_SECOND = 4_294_967_296.0;

    private static final int POLL_MS = 50;

    private final DatagramSocket socket;
    private final Responder responder;
    private final Thread thread;
    private final long lifetimeMs;
    private final long maxRequests;
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean running = true;

    /**
     * Builds the answer to one request.
     */
    @FunctionalInterface
    public interface Responder
    {
        /**
         * @param request the request's bytes.
         * @return the answer's bytes, or null to stay silent.
         */
        byte[] answer(byte[] request);
    }

    public FakeSntpServer(final Responder responder) throws IOException
    {
        this(responder, LIFETIME_MS, MAX_REQUESTS);
    }

    /**
     * @param responder   builds each answer.
     * @param lifetimeMs  how long the server runs at most.
     * @param maxRequests how many requests it answers at most.
     * @throws IOException when the socket cannot be bound.
     */
    FakeSntpServer(final Responder responder, final long lifetimeMs, final long maxRequests) throws IOException
    {
        this.responder = responder;
        this.lifetimeMs = lifetimeMs;
        this.maxRequests = maxRequests;
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        socket.setSoTimeout(POLL_MS);
        thread = new Thread(this::serve, "fake-sntp-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A server that never answers.
     */
    public static FakeSntpServer silent() throws IOException
    {
        return new FakeSntpServer((request) -> null);
    }

    /**
     * A server whose clock is {@code shiftMs} ahead of the client's: it reads the client's T1 from the request and
     * answers T2 = T1 + shift + 10 ms and T3 = T2 + 20 ms. With a client whose clock reads T1 then T1 + 40 ms the
     * offset is exactly {@code shiftMs}.
     */
    public static FakeSntpServer shifted(final long shiftMs) throws IOException
    {
        return new FakeSntpServer((request) ->
        {
            final long t1Ms = toUnixMs(readLong(request, 40));
            final long t2Ms = t1Ms + shiftMs + 10;
            return answer(request, t2Ms, t2Ms + 20);
        });
    }

    /**
     * A well-formed server answer to the request: LI 0, VN 4, mode 4, stratum 2, originate = the request's transmit.
     */
    public static byte[] answer(final byte[] request, final long receiveMs, final long transmitMs)
    {
        final byte[] answer = new byte[48];
        answer[0] = 0x24;
        answer[1] = 2;
        answer[2] = 6;
        answer[3] = (byte)0xEC;
        writeLong(answer, 16, toNtp(receiveMs - 1000));
        System.arraycopy(request, 40, answer, 24, 8);
        writeLong(answer, 32, toNtp(receiveMs));
        writeLong(answer, 40, toNtp(transmitMs));
        return answer;
    }

    static long toNtp(final long unixMs)
    {
        final long seconds = unixMs / 1000 + NTP_TO_UNIX_SECONDS;
        final long fraction = (long)Math.ceil((unixMs % 1000) * FRACTION_PER_SECOND / 1000.0);
        return (seconds << 32) + fraction;
    }

    static long toUnixMs(final long ntp)
    {
        final long seconds = ntp >>> 32;
        final long fraction = ntp & 0xFFFF_FFFFL;
        return (seconds - NTP_TO_UNIX_SECONDS) * 1000 + (long)Math.floor(fraction * 1000.0 / FRACTION_PER_SECOND);
    }

    static long readLong(final byte[] bytes, final int offset)
    {
        long value = 0;
        for (int i = offset; i < offset + 8; i++)
        {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }

    static void writeLong(final byte[] bytes, final int offset, final long value)
    {
        for (int i = 0; i < 8; i++)
        {
            bytes[offset + i] = (byte)(value >>> (56 - 8 * i));
        }
    }

    public InetSocketAddress address()
    {
        return (InetSocketAddress)socket.getLocalSocketAddress();
    }

    public long requests()
    {
        return requests.get();
    }

    private void serve()
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lifetimeMs);
        final byte[] buffer = new byte[512];
        while (running && System.nanoTime() < deadlineNs && requests.get() < maxRequests)
        {
            try
            {
                final DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                requests.incrementAndGet();
                final byte[] answer = responder.answer(Arrays.copyOf(buffer, packet.getLength()));
                if (null != answer)
                {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            }
            catch (final SocketTimeoutException ex)
            {
                // poll again: checks running and the deadline
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
        socket.close();
        try
        {
            thread.join(2_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
