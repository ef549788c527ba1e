package io.mtgj.clock;

import io.mtgj.config.ClockWindow;
import io.mtgj.config.HostPort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Checks the local clock against SNTP servers (protocol.md 8.1) and warns loudly when it is further off than the
 * FakeTLS clock window allows (protocol.md 4.3): clients stamp their hello with Telegram's clock, so a proxy whose
 * clock is off rejects them all. A local clock behind NTP's puts clients ahead of it, so it is held to the window's
 * future side; one ahead, to its past side. It only measures, logs and keeps the last measurement for the metrics; it never corrects the
 * clock or stops the proxy.
 * <p>
 * Each {@link #check()} asks one server chosen at random and falls back to the others in turn, each at most once.
 * Servers are resolved at each check, not at construction, since DNS may be down at start. Run it on the control
 * thread: a check blocks for up to one timeout per server. {@link #lastOffsetSeconds()} and
 * {@link #failedQueries()} may be read from any thread (the metrics' scrape).
 */
public final class ClockCheck
{
    /** Time allowed for one server's answer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    /** The standard NTP port, used for a server given without one. */
    public static final int NTP_PORT = 123;

    private final List<HostPort> servers;
    private final ClockWindow window;
    private final Duration timeout;
    private final System.Logger log;
    private final LongSupplier nowMs;
    private final IntUnaryOperator pickFirst;
    private final AtomicLong failedQueries = new AtomicLong();
    /** Written before {@link #measured}, read after it: once measured is seen true, this is a real measurement. */
    private volatile double lastOffsetSeconds;
    private volatile boolean measured;

    /**
     * A check with the default timeout, logging to {@code System.getLogger("io.mtgj.clock")}.
     *
     * @param servers     SNTP servers, {@link #NTP_PORT} where no port is given; at least one.
     * @param toleranceMs largest tolerated offset in milliseconds, either way.
     */
    public ClockCheck(final List<HostPort> servers, final long toleranceMs)
    {
        this(servers, toleranceMs, DEFAULT_TIMEOUT, System.getLogger("io.mtgj.clock"));
    }

    /**
     * A check with the default timeout, logging to {@code System.getLogger("io.mtgj.clock")}.
     *
     * @param servers SNTP servers, {@link #NTP_PORT} where no port is given; at least one.
     * @param window  the FakeTLS clock window: the local clock may be behind NTP's by its future side, ahead by its
     *                past side.
     */
    public ClockCheck(final List<HostPort> servers, final ClockWindow window)
    {
        this(servers, window, DEFAULT_TIMEOUT, System.getLogger("io.mtgj.clock"), System::currentTimeMillis,
            (bound) -> ThreadLocalRandom.current().nextInt(bound));
    }

    /**
     * A check on the system clock.
     *
     * @param servers     SNTP servers, {@link #NTP_PORT} where no port is given; at least one.
     * @param toleranceMs largest tolerated offset in milliseconds.
     * @param timeout     time allowed for one server's answer.
     * @param log         where the results go: WARNING when the clock is off or no server answered, else DEBUG.
     */
    public ClockCheck(
        final List<HostPort> servers, final long toleranceMs, final Duration timeout, final System.Logger log)
    {
        this(servers, window(toleranceMs), timeout, log, System::currentTimeMillis,
            (bound) -> ThreadLocalRandom.current().nextInt(bound));
    }

    /**
     * A check with an injected clock and server choice, for tests.
     *
     * @param pickFirst given the number of servers, the index of the first one to ask.
     */
    ClockCheck(
        final List<HostPort> servers,
        final long toleranceMs,
        final Duration timeout,
        final System.Logger log,
        final LongSupplier nowMs,
        final IntUnaryOperator pickFirst)
    {
        this(servers, window(toleranceMs), timeout, log, nowMs, pickFirst);
    }

    /**
     * A check with an injected clock and server choice, for tests.
     *
     * @param window    the FakeTLS clock window.
     * @param pickFirst given the number of servers, the index of the first one to ask.
     */
    ClockCheck(
        final List<HostPort> servers,
        final ClockWindow window,
        final Duration timeout,
        final System.Logger log,
        final LongSupplier nowMs,
        final IntUnaryOperator pickFirst)
    {
        if (servers.isEmpty())
        {
            throw new IllegalArgumentException("a clock check needs at least one SNTP server");
        }
        this.servers = List.copyOf(servers);
        this.window = Objects.requireNonNull(window, "window");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.log = Objects.requireNonNull(log, "log");
        this.nowMs = Objects.requireNonNull(nowMs, "nowMs");
        this.pickFirst = Objects.requireNonNull(pickFirst, "pickFirst");
    }

    /**
     * Measure the offset now: one server chosen at random, then each other one in turn until one answers.
     *
     * @return the servers' clock minus ours in milliseconds, or null when no server answered.
     */
    public Long check()
    {
        final int count = servers.size();
        final int first = Math.floorMod(pickFirst.applyAsInt(count), count);
        String lastFailure = "";
        for (int i = 0; i < count; i++)
        {
            final HostPort server = servers.get((first + i) % count);
            try
            {
                final long offsetMs = SntpClient.offsetMs(resolve(server), timeout, nowMs);
                lastOffsetSeconds = -offsetMs / 1000.0;
                measured = true;
                report(server, offsetMs);
                return offsetMs;
            }
            catch (final IOException | RuntimeException ex)
            {
                failedQueries.incrementAndGet();
                lastFailure = String.valueOf(ex.getMessage());
                log.log(DEBUG, "clock check: no usable answer from " + server + ": " + lastFailure);
            }
        }
        log.log(WARNING, "clock check: none of " + count + " SNTP server(s) " + servers +
            " answered; the local clock is unchecked (last error: " + lastFailure + ")");
        return null;
    }

    /**
     * Run {@link #check()} at once, then every {@code periodMs} after the previous check ends.
     *
     * @param executor the caller's executor (the {@code mtg-control} thread); it stays the caller's to shut down.
     * @param periodMs delay between the end of one check and the start of the next, in milliseconds.
     * @return the scheduled task, to cancel it.
     */
    public ScheduledFuture<?> start(final ScheduledExecutorService executor, final long periodMs)
    {
        if (periodMs <= 0)
        {
            throw new IllegalArgumentException("bad clock check period " + periodMs + " ms: must be positive");
        }
        return executor.scheduleWithFixedDelay(this::checkQuietly, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    /**
     * @return whether a check has measured the offset yet: until then {@link #lastOffsetSeconds()} means nothing.
     */
    public boolean hasMeasurement()
    {
        return measured;
    }

    /**
     * The offset of the last check that got an answer, in the metrics' sign: the opposite of {@link #check()}'s.
     * A failed check leaves it as it was.
     *
     * @return the local clock minus the server's in seconds (positive when the local clock is ahead); 0 before
     *         {@link #hasMeasurement()}.
     */
    public double lastOffsetSeconds()
    {
        return lastOffsetSeconds;
    }

    /**
     * @return SNTP queries that got no usable answer (no name, timeout, unreachable, a bad reply) since start, one per
     *         server asked; a check that falls back to a second server that answers counts one.
     */
    public long failedQueries()
    {
        return failedQueries.get();
    }

    /**
     * @return the largest tolerated offset in milliseconds, the smaller side of the window.
     */
    public long toleranceMs()
    {
        return Math.min(window.pastMs(), window.futureMs());
    }

    /**
     * @return the FakeTLS clock window the offset is held to.
     */
    public ClockWindow window()
    {
        return window;
    }

    /**
     * A symmetric window of a tolerance in milliseconds, rounded up to whole seconds (0 taken as 1 s).
     */
    private static ClockWindow window(final long toleranceMs)
    {
        if (toleranceMs < 0)
        {
            throw new IllegalArgumentException("bad clock tolerance " + toleranceMs + " ms: must not be negative");
        }
        final long seconds = Math.max(1, (toleranceMs + 999) / 1000);
        return ClockWindow.symmetric(seconds * 1000);
    }

    private void checkQuietly()
    {
        // An exception escaping a periodic task would silently cancel every later run.
        try
        {
            check();
        }
        catch (final RuntimeException ex)
        {
            log.log(WARNING, "clock check failed", ex);
        }
    }

    private void report(final HostPort server, final long offsetMs)
    {
        // offsetMs > 0: the local clock is behind, so clients synchronised to Telegram look ahead of it.
        final long toleratedMs = offsetMs > 0 ? window.futureMs() : window.pastMs();
        if (Math.abs(offsetMs) > toleratedMs)
        {
            log.log(WARNING, "the local clock is off by " + offsetMs + " ms, more than the tolerated " + toleratedMs +
                " ms (--tolerate-time-skewness " + window.format() + "): FakeTLS clients will be rejected; fix the " +
                "clock (NTP) (measured against " + server + ")");
        }
        else if (log.isLoggable(DEBUG))
        {
            log.log(DEBUG, "clock check: the local clock is off by " + offsetMs + " ms, within the tolerated " +
                toleratedMs + " ms (measured against " + server + ")");
        }
    }

    private static InetSocketAddress resolve(final HostPort server)
    {
        // HostPort.resolve queries DNS each time it is called; that is wanted here.
        final InetSocketAddress address = server.resolve();
        return server.hasPort() ? address : new InetSocketAddress(address.getAddress(), NTP_PORT);
    }

    @Override
    public String toString()
    {
        return "ClockCheck{servers=" + servers + ", window=" + window.format() + '}';
    }
}
