package io.mtgj.clock;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
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

    /** Bounds for a whole fuzzing session, not one test. */
    private static final long SERVER_LIFETIME_MS = TimeUnit.HOURS.toMillis(2);
    private static final long SERVER_MAX_REQUESTS = 100_000_000L;
    private static final int ORIGINATE_OFFSET = 24;
    private static final int TRANSMIT_OFFSET = 40;

    private static FakeSntpServer server;
    private static volatile byte[] answer = new byte[0];
    private static volatile boolean echoTransmit;

    @BeforeAll
    static void startServer() throws IOException
    {
        server = new FakeSntpServer(SntpClientFuzzTest::answerFor, SERVER_LIFETIME_MS, SERVER_MAX_REQUESTS);
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
        final byte[] reply = Arrays.copyOfRange(padded, ANSWER_OFFSET,
            Math.min(padded.length, ANSWER_OFFSET + MAX_ANSWER_LENGTH));
        echoTransmit = 0 != (control & 1);
        answer = reply;
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
     * The fuzz input's answer to the next request; copies the request's transmit time into the originate field when
     * asked, so the client's originate check can pass.
     */
    private static byte[] answerFor(final byte[] request)
    {
        final byte[] reply = answer.clone();
        if (echoTransmit && request.length >= TRANSMIT_OFFSET + Long.BYTES &&
            reply.length >= ORIGINATE_OFFSET + Long.BYTES)
        {
            System.arraycopy(request, TRANSMIT_OFFSET, reply, ORIGINATE_OFFSET, Long.BYTES);
        }
        return reply;
    }
}
