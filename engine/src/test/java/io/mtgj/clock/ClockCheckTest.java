package io.mtgj.clock;

import io.mtgj.config.ClockWindow;
import io.mtgj.config.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ClockCheckTest
{
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final long TOLERANCE_MS = 5_000;
    private static final long T1_MS = 1_700_000_000_000L;

    private final RecordingLogger log = new RecordingLogger();

    @Test
    void shouldReturnTheOffsetAndLogAtDebugWithinTheTolerance() throws Exception
    {
        try (FakeSntpServer server = FakeSntpServer.shifted(1_500))
        {
            final ClockCheck check = check(List.of(hostPort(server)), 0);

            assertEquals(1_500L, check.check());
            assertFalse(log.has(WARNING, ""), log.toString());
            assertTrue(log.has(DEBUG, "off by 1500 ms, within the tolerated 5000 ms"), log.toString());
        }
    }

    @Test
    void shouldWarnLoudlyAboveTheTolerance() throws Exception
    {
        try (FakeSntpServer server = FakeSntpServer.shifted(-10_000))
        {
            assertEquals(-10_000L, check(List.of(hostPort(server)), 0).check());
            assertTrue(log.has(WARNING, "the local clock is off by -10000 ms, more than the tolerated 5000 ms " +
                "(--tolerate-time-skewness 5s): FakeTLS clients will be rejected; fix the clock (NTP)"),
                log.toString());
        }
    }

    @Test
    void shouldHoldALocalClockBehindToTheFutureSideAndOneAheadToThePastSide() throws Exception
    {
        final ClockWindow window = ClockWindow.parse("10m,30s");
        try (FakeSntpServer ahead = FakeSntpServer.shifted(60_000);
            FakeSntpServer behind = FakeSntpServer.shifted(-60_000))
        {
            // NTP 60 s ahead of us: clients synchronised to it look 60 s ahead, beyond the 30 s future side
            new ClockCheck(List.of(hostPort(ahead)), window, TIMEOUT, log, steppingClock(), (count) -> 0).check();
            assertTrue(log.has(WARNING, "off by 60000 ms, more than the tolerated 30000 ms (--tolerate-time-skewness " +
                "10m,30s)"), log.toString());
            // NTP 60 s behind us: clients look 60 s behind, well within the 10 minute past side
            new ClockCheck(List.of(hostPort(behind)), window, TIMEOUT, log, steppingClock(), (count) -> 0).check();
            assertTrue(log.has(DEBUG, "off by -60000 ms, within the tolerated 600000 ms"), log.toString());
            assertFalse(log.has(WARNING, "-60000"), log.toString());
        }
    }

    @Test
    void shouldKeepTheLastOffsetWithTheLocalClockAheadPositive() throws Exception
    {
        try (FakeSntpServer behind = FakeSntpServer.shifted(-2_500);
            FakeSntpServer ahead = FakeSntpServer.shifted(750))
        {
            final ClockCheck check = check(List.of(hostPort(behind)), 0);
            assertFalse(check.hasMeasurement());
            assertEquals(0.0, check.lastOffsetSeconds());
            assertEquals(0, check.failedQueries());

            assertEquals(-2_500L, check.check());
            assertTrue(check.hasMeasurement());
            assertEquals(2.5, check.lastOffsetSeconds(), "the server is behind: the local clock is ahead");

            final ClockCheck second = check(List.of(hostPort(ahead)), 0);
            assertEquals(750L, second.check());
            assertEquals(-0.75, second.lastOffsetSeconds());
            assertEquals(0, second.failedQueries());
        }
    }

    @Test
    void shouldCountFailedQueriesAndKeepTheOffsetWhenNoServerAnswers() throws Exception
    {
        try (FakeSntpServer good = FakeSntpServer.shifted(1_000);
            FakeSntpServer silent = FakeSntpServer.silent())
        {
            // the silent one first, then the good one: one failure, one measurement
            final ClockCheck check = check(List.of(hostPort(good), hostPort(silent)), 1);
            assertEquals(1_000L, check.check());
            assertEquals(1, check.failedQueries());
            assertEquals(-1.0, check.lastOffsetSeconds());

            good.close();
            assertNull(check.check());
            assertEquals(3, check.failedQueries(), "both servers asked once more, neither answered");
            assertTrue(check.hasMeasurement(), "a failed check keeps the last measurement");
            assertEquals(-1.0, check.lastOffsetSeconds());
        }
    }

    @Test
    void shouldFallBackToTheNextServerWhenTheFirstDoesNotAnswer() throws Exception
    {
        try (FakeSntpServer silent = FakeSntpServer.silent();
            FakeSntpServer good = FakeSntpServer.shifted(250))
        {
            assertEquals(250L, check(List.of(hostPort(silent), hostPort(good)), 0).check());
            assertEquals(1, silent.requests());
            assertEquals(1, good.requests());
            assertTrue(log.has(DEBUG, "no usable answer from " + hostPort(silent)), log.toString());
            assertFalse(log.has(WARNING, ""), log.toString());
        }
    }

    @Test
    void shouldWrapAroundTheListWhenFallingBack() throws Exception
    {
        try (FakeSntpServer good = FakeSntpServer.shifted(-40);
            FakeSntpServer silent = FakeSntpServer.silent())
        {
            assertEquals(-40L, check(List.of(hostPort(good), hostPort(silent)), 1).check());
            assertEquals(1, silent.requests());
            assertEquals(1, good.requests());
        }
    }

    @Test
    void shouldFallBackWhenAServerDoesNotResolve() throws Exception
    {
        try (FakeSntpServer good = FakeSntpServer.shifted(3))
        {
            // An invalid IPv6 literal fails to resolve without asking DNS.
            final HostPort broken = new HostPort(":::bad", 123);
            assertEquals(3L, check(List.of(broken, hostPort(good)), 0).check());
            assertTrue(log.has(DEBUG, "no usable answer from [:::bad]:123"), log.toString());
        }
    }

    @Test
    void shouldReturnNullAndWarnWhenNoServerAnswers() throws Exception
    {
        try (FakeSntpServer first = FakeSntpServer.silent();
            FakeSntpServer second = FakeSntpServer.silent())
        {
            final long startNs = System.nanoTime();
            assertNull(check(List.of(hostPort(first), hostPort(second)), 1).check());
            final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

            assertEquals(1, first.requests(), "each server asked at most once");
            assertEquals(1, second.requests(), "each server asked at most once");
            assertTrue(elapsedMs < 3_000, "elapsed " + elapsedMs + " ms");
            assertTrue(log.has(WARNING, "none of 2 SNTP server(s)"), log.toString());
        }
    }

    @Test
    void shouldCheckAtOnceAndThenPeriodically() throws Exception
    {
        final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) ->
        {
            final Thread thread = new Thread(runnable, "mtg-control");
            thread.setDaemon(true);
            return thread;
        });
        try (FakeSntpServer server = new FakeSntpServer(
            (request) -> FakeSntpServer.answer(request, System.currentTimeMillis(), System.currentTimeMillis())))
        {
            final ClockCheck check = new ClockCheck(List.of(hostPort(server)), TOLERANCE_MS, TIMEOUT, log);
            final ScheduledFuture<?> task = check.start(executor, 50);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int i = 0; i < 1_000 && server.requests() < 3 && System.nanoTime() < deadlineNs; i++)
            {
                Thread.sleep(10);
            }
            task.cancel(false);

            assertTrue(server.requests() >= 3, "requests " + server.requests());
            assertFalse(log.has(WARNING, ""), log.toString());
        }
        finally
        {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRejectBadArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> new ClockCheck(List.of(), TOLERANCE_MS));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new ClockCheck(List.of(new HostPort("127.0.0.1", 9)), -1));
        assertTrue(ex.getMessage().contains("-1"), ex.getMessage());
        final ClockCheck check = new ClockCheck(List.of(new HostPort("127.0.0.1", 9)), TOLERANCE_MS);
        assertThrows(IllegalArgumentException.class, () -> check.start(null, 0));
    }

    private ClockCheck check(final List<HostPort> servers, final int first)
    {
        return new ClockCheck(servers, TOLERANCE_MS, TIMEOUT, log, steppingClock(), (count) -> first);
    }

    private static HostPort hostPort(final FakeSntpServer server)
    {
        return new HostPort("127.0.0.1", server.address().getPort());
    }

    /**
     * A local clock reading T1, then T1 + 40 ms, and so on: with {@link FakeSntpServer#shifted(long)} the offset is
     * exactly the shift.
     */
    private static LongSupplier steppingClock()
    {
        final long[] next = { T1_MS };
        return () ->
        {
            final long nowMs = next[0];
            next[0] += 40;
            return nowMs;
        };
    }

    /**
     * Keeps every message at every level.
     */
    static final class RecordingLogger implements System.Logger
    {
        private final List<String> lines = new CopyOnWriteArrayList<>();

        boolean has(final Level level, final String text)
        {
            for (final String line : lines)
            {
                if (line.startsWith(level.getName() + " ") && line.contains(text))
                {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String getName()
        {
            return "test";
        }

        @Override
        public boolean isLoggable(final Level level)
        {
            return true;
        }

        @Override
        public void log(final Level level, final ResourceBundle bundle, final String msg, final Throwable thrown)
        {
            lines.add(level.getName() + " " + msg + (null == thrown ? "" : " " + thrown));
        }

        @Override
        public void log(final Level level, final ResourceBundle bundle, final String format, final Object... params)
        {
            lines.add(level.getName() + " " + (null == params ? format : MessageFormat.format(format, params)));
        }

        @Override
        public String toString()
        {
            return String.join("\n", lines);
        }
    }
}
