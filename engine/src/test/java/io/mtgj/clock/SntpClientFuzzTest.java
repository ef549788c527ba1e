package io.mtgj.clock;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * An SNTP server's answer, whatever it is: {@link SntpClient#offsetMs} returns an offset or refuses the answer with
 * its {@link IOException} naming the server, and reads the local clock exactly twice. The answer is only reachable
 * through a socket, so a server on 127.0.0.1 sends the fuzzer's bytes back to each request, optionally with the
 * request's transmit time copied into the originate field, as a real server (or a spoofer that saw the request)
 * does.
 * <p>
 * Input: byte 0 bit 0 asks for that copy and bits 1-6 give the milliseconds between our two clock readings; bytes
 * 1-8 are our clock at the request (Unix ms, big-endian); the rest, up to 64 bytes, is the answer. Seeds
 * (SntpClientFuzzTestInputs/offsetMs): well-formed answers around now and across the 2036 era change, the refused
 * kinds of SntpClientTest (short, client mode, kiss-o'-death, leap alarm, stratum 16, zero transmit, wrong
 * originate) and an empty datagram.
 */
@Timeout(60)
class SntpClientFuzzTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int CLOCK_OFFSET = 1;
    private static final int ANSWER_OFFSET = CLOCK_OFFSET + Long.BYTES;
    private static final int MAX_ANSWER_LENGTH = 64;

    private static EchoServer server;

    @BeforeAll
    static void startServer() throws IOException
    {
        server = new EchoServer();
    }

    @AfterAll
    static void stopServer()
    {
        server.close();
    }

    @FuzzTest
    void offsetMs(final byte[] input)
    {
        final int control = input.length > 0 ? input[0] : 0;
        final byte[] padded = Arrays.copyOf(input, Math.max(input.length, ANSWER_OFFSET));
        final long t1Ms = FakeSntpServer.readLong(padded, CLOCK_OFFSET);
        final long t4Ms = t1Ms + ((control >>> 1) & 0x3f);
        final byte[] answer = Arrays.copyOfRange(padded, ANSWER_OFFSET,
            Math.min(padded.length, ANSWER_OFFSET + MAX_ANSWER_LENGTH));
        server.answerWith(answer, 0 != (control & 1));
        final long[] readings = {t1Ms, t4Ms};
        final int[] reads = {0};
        final LongSupplier clock = () -> readings[Math.min(reads[0]++, 1)];

        try
        {
            SntpClient.offsetMs(server.address(), TIMEOUT, clock);
        }
        catch (final IOException ex)
        {
            assertInstanceOf(SntpClient.BadAnswerException.class, ex, "the answer arrived and was judged");
        }
        assertEquals(2, reads[0], "clock readings");
    }

    /**
     * Answers every request with the bytes it was last given; daemon thread, bounded by {@link #LIFETIME_MS} and
     * {@link #MAX_REQUESTS}.
     */
    private static final class EchoServer implements AutoCloseable
    {
        private static final long LIFETIME_MS = TimeUnit.HOURS.toMillis(2);
        private static final long MAX_REQUESTS = 100_000_000L;
        private static final int POLL_MS = 100;
        private static final int ORIGINATE_OFFSET = 24;
        private static final int TRANSMIT_OFFSET = 40;

        private final DatagramSocket socket;
        private final Thread thread;
        private volatile byte[] answer = new byte[0];
        private volatile boolean echoTransmit;
        private volatile boolean running = true;

        EchoServer() throws IOException
        {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            socket.setSoTimeout(POLL_MS);
            thread = new Thread(this::serve, "fuzz-sntp");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address()
        {
            return (InetSocketAddress)socket.getLocalSocketAddress();
        }

        void answerWith(final byte[] bytes, final boolean copyTransmit)
        {
            echoTransmit = copyTransmit;
            answer = bytes;
        }

        private void serve()
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIFETIME_MS);
            final byte[] request = new byte[512];
            long served = 0;
            while (running && served < MAX_REQUESTS && System.nanoTime() - deadlineNs < 0)
            {
                try
                {
                    final DatagramPacket packet = new DatagramPacket(request, request.length);
                    socket.receive(packet);
                    served++;
                    final byte[] reply = answer.clone();
                    if (echoTransmit && packet.getLength() >= TRANSMIT_OFFSET + Long.BYTES &&
                        reply.length >= ORIGINATE_OFFSET + Long.BYTES)
                    {
                        System.arraycopy(request, TRANSMIT_OFFSET, reply, ORIGINATE_OFFSET, Long.BYTES);
                    }
                    socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
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
}
