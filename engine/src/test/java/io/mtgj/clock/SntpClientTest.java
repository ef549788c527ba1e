package io.mtgj.clock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class SntpClientTest
{
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final long T1_MS = 1_700_000_000_123L;
    private static final long ROUND_TRIP_MS = 40;

    @Test
    void shouldMeasureAClockAheadOfUs() throws Exception
    {
        try (FakeSntpServer server = FakeSntpServer.shifted(7_250))
        {
            assertEquals(7_250, SntpClient.offsetMs(server.address(), TIMEOUT, steppingClock()));
            assertEquals(1, server.requests());
        }
    }

    @Test
    void shouldMeasureAClockBehindUs() throws Exception
    {
        try (FakeSntpServer server = FakeSntpServer.shifted(-3_600_000))
        {
            assertEquals(-3_600_000, SntpClient.offsetMs(server.address(), TIMEOUT, steppingClock()));
        }
    }

    @Test
    void shouldMeasureAShiftedClockInRealTime() throws Exception
    {
        final long shiftMs = -12_345;
        try (FakeSntpServer server = new FakeSntpServer((request) ->
        {
            final long nowMs = System.currentTimeMillis() + shiftMs;
            return FakeSntpServer.answer(request, nowMs, nowMs);
        }))
        {
            final long offsetMs = SntpClient.offsetMs(server.address(), TIMEOUT, System::currentTimeMillis);
            assertTrue(Math.abs(offsetMs - shiftMs) <= 150, "offset " + offsetMs);
        }
    }

    @Test
    void shouldSendAClientRequestStampedWithTheLocalClock() throws Exception
    {
        final byte[][] seen = new byte[1][];
        try (FakeSntpServer server = new FakeSntpServer((request) ->
        {
            seen[0] = request;
            return FakeSntpServer.answer(request, T1_MS, T1_MS);
        }))
        {
            SntpClient.offsetMs(server.address(), TIMEOUT, steppingClock());
        }
        final byte[] request = seen[0];
        assertEquals(48, request.length);
        assertEquals(0x23, request[0]);
        assertTrue(Arrays.equals(new byte[39], Arrays.copyOfRange(request, 1, 40)), "only the transmit time is set");
        assertEquals(T1_MS, FakeSntpServer.toUnixMs(FakeSntpServer.readLong(request, 40)));
    }

    @Test
    void shouldRejectAWrongOriginateTimestamp() throws Exception
    {
        assertBadAnswer("originate", (answer) -> answer[31]++);
    }

    @Test
    void shouldRejectAWrongMode() throws Exception
    {
        assertBadAnswer("mode 3", (answer) -> answer[0] = 0x23);
        assertBadAnswer("mode 5", (answer) -> answer[0] = 0x25);
    }

    @Test
    void shouldRejectStratumZeroAndAbove15() throws Exception
    {
        assertBadAnswer("stratum 0", (answer) -> answer[1] = 0);
        assertBadAnswer("stratum 16", (answer) -> answer[1] = 16);
    }

    @Test
    void shouldRejectAnUnsynchronisedServer() throws Exception
    {
        assertBadAnswer("leap indicator 3", (answer) -> answer[0] = (byte)0xE4);
    }

    @Test
    void shouldRejectAZeroTransmitTimestamp() throws Exception
    {
        assertBadAnswer("zero transmit", (answer) -> Arrays.fill(answer, 40, 48, (byte)0));
    }

    @Test
    void shouldRejectAShortAnswer() throws Exception
    {
        try (FakeSntpServer server = new FakeSntpServer(
            (request) -> Arrays.copyOf(FakeSntpServer.answer(request, T1_MS, T1_MS), 47)))
        {
            final IOException ex = assertThrows(IOException.class,
                () -> SntpClient.offsetMs(server.address(), TIMEOUT, steppingClock()));
            assertTrue(ex.getMessage().contains("47 bytes"), ex.getMessage());
        }
    }

    @Test
    void shouldAcceptAnAnswerWithAnAuthenticator() throws Exception
    {
        try (FakeSntpServer server = new FakeSntpServer(
            (request) -> Arrays.copyOf(FakeSntpServer.answer(request, T1_MS + 10, T1_MS + 30), 68)))
        {
            assertEquals(0, SntpClient.offsetMs(server.address(), TIMEOUT, steppingClock()));
        }
    }

    @Test
    void shouldTimeOutWhenNoAnswerComes() throws Exception
    {
        try (FakeSntpServer server = FakeSntpServer.silent())
        {
            final long startNs = System.nanoTime();
            final IOException ex = assertThrows(IOException.class,
                () -> SntpClient.offsetMs(server.address(), TIMEOUT, System::currentTimeMillis));
            final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

            assertTrue(ex.getMessage().contains("no answer") && ex.getMessage().contains("300 ms"), ex.getMessage());
            assertTrue(elapsedMs >= 250 && elapsedMs < 2_300, "elapsed " + elapsedMs + " ms");
            assertEquals(1, server.requests());
        }
    }

    @Test
    void shouldConvertTimestampsBothWays()
    {
        // 2000-01-01T00:00:00Z is 3,155,673,600 s after the NTP epoch.
        assertEquals(3_155_673_600L, SntpClient.toNtpTimestamp(946_684_800_000L) >>> 32);
        assertEquals(0x8000_0000L, SntpClient.toNtpTimestamp(946_684_800_500L) & 0xFFFF_FFFFL);

        final long era1StartMs = (1L << 32) * 1000 - SntpClient.NTP_TO_UNIX_SECONDS * 1000;
        final long[] instants =
        {
            0, 1, 999, 1_000, 946_684_800_500L, T1_MS, era1StartMs - 1, era1StartMs, era1StartMs + 1,
            4_102_444_800_999L,
        };
        for (final long unixMs : instants)
        {
            final long ntp = SntpClient.toNtpTimestamp(unixMs);
            assertEquals(unixMs, SntpClient.toUnixMs(ntp), "instant " + unixMs);
            assertEquals(unixMs, SntpClient.toUnixMs(ntp + (1 << 22) - 1), "instant " + unixMs + " + 2^22 - 1");
        }
        assertEquals(0, SntpClient.toNtpTimestamp(era1StartMs), "era 1 starts at seconds 0");
    }

    private static void assertBadAnswer(final String expected, final Mutation mutation) throws Exception
    {
        try (FakeSntpServer server = new FakeSntpServer((request) ->
        {
            final byte[] answer = FakeSntpServer.answer(request, T1_MS + 10, T1_MS + 30);
            mutation.apply(answer);
            return answer;
        }))
        {
            final IOException ex = assertThrows(IOException.class,
                () -> SntpClient.offsetMs(server.address(), TIMEOUT, steppingClock()));
            assertTrue(ex.getMessage().contains(expected), ex.getMessage());
            assertTrue(ex.getMessage().contains(server.address().toString()), ex.getMessage());
        }
    }

    /**
     * A local clock reading T1 first, then T1 + 40 ms (T4), then T1 + 80 ms...
     */
    private static LongSupplier steppingClock()
    {
        final long[] next = { T1_MS };
        return () ->
        {
            final long nowMs = next[0];
            next[0] += ROUND_TRIP_MS;
            return nowMs;
        };
    }

    @FunctionalInterface
    private interface Mutation
    {
        void apply(byte[] answer);
    }
}
