package io.mtgj.diagnose;

import io.mtgj.clock.ClockCheck;
import io.mtgj.clock.SntpClient;
import io.mtgj.config.ClockWindow;
import io.mtgj.config.HostPort;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local clock against SNTP (protocol.md 8.1): FakeTLS clients stamp their hello with Telegram's clock and the
 * proxy rejects those outside {@code --tolerate-time-skewness} (protocol.md 4.3), so a clock off by more than that
 * rejects every client. FAIL beyond the tolerance, WARN beyond half of it (a little drift and phones a few seconds
 * off start failing). Every server is asked at once; the first one in the given order that answered decides.
 */
public final class ClockDiagnosis implements Check
{
    private static final String NAME = "clock";

    private final List<HostPort> servers;
    private final ClockWindow window;
    private final long timeoutMs;

    /**
     * @param servers     SNTP servers, port 123 where none is given; at least one.
     * @param window      the proxy's FakeTLS clock window: this clock may be behind NTP's by its future side (clients
     *                    then look ahead), ahead of it by its past side.
     * @param timeoutMs   time allowed for each server's answer.
     */
    public ClockDiagnosis(final List<HostPort> servers, final ClockWindow window, final long timeoutMs)
    {
        if (servers.isEmpty())
        {
            throw new IllegalArgumentException("the clock check needs at least one SNTP server");
        }
        this.servers = List.copyOf(servers);
        this.window = window;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public List<Finding> run() throws InterruptedException
    {
        final List<CompletableFuture<Long>> answers = new ArrayList<>(servers.size());
        for (final HostPort server : servers)
        {
            final CompletableFuture<Long> answer = new CompletableFuture<>();
            final Thread thread = new Thread(() -> query(server, answer), "mtg-doctor-sntp");
            thread.setDaemon(true);
            thread.start();
            answers.add(answer);
        }
        final String tolerated = "tolerated " + window.format() + " (clients behind,ahead)";
        String lastError = "";
        // one timeout for the answers, one more for the DNS lookups before them
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * timeoutMs);
        for (int i = 0; i < servers.size(); i++)
        {
            final Long offsetMs;
            try
            {
                offsetMs = answers.get(i).get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (final ExecutionException ex)
            {
                lastError = String.valueOf(ex.getCause().getMessage());
                continue;
            }
            catch (final TimeoutException ex)
            {
                lastError = "no answer from " + servers.get(i) + " within " + 2 * timeoutMs + " ms";
                continue;
            }
            return List.of(judge(offsetMs, servers.get(i), tolerated));
        }
        return List.of(Finding.warn(NAME, "unchecked: none of " + servers + " answered (" + lastError + ")",
            "allow outgoing UDP port 123 or pass --ntp-server with a server you can reach; make sure the clock is " +
            "synchronised (timedatectl)"));
    }

    private Finding judge(final long offsetMs, final HostPort server, final String tolerated)
    {
        // SntpClient gives the server's clock minus ours: positive means this clock is behind
        final long absoluteMs = Math.abs(offsetMs);
        final long toleranceMs = offsetMs > 0 ? window.futureMs() : window.pastMs();
        final String found = "off by " + absoluteMs + " ms" + (0 == offsetMs ? "" : offsetMs > 0 ? " (behind)" :
            " (ahead)") + " against " + server + ", " + tolerated;
        if (absoluteMs > toleranceMs)
        {
            return Finding.fail(NAME, found, "FakeTLS clients are rejected: synchronise the clock (chrony, " +
                "systemd-timesyncd; timedatectl set-ntp true)");
        }
        if (2 * absoluteMs > toleranceMs)
        {
            return Finding.warn(NAME, found, "more than half the tolerance: clients whose clocks are a little off " +
                "fail; synchronise the clock (timedatectl set-ntp true)");
        }
        return Finding.ok(NAME, found);
    }

    private void query(final HostPort server, final CompletableFuture<Long> answer)
    {
        try
        {
            final InetSocketAddress resolved = server.resolve();
            final InetSocketAddress address = server.hasPort() ? resolved :
                new InetSocketAddress(resolved.getAddress(), ClockCheck.NTP_PORT);
            answer.complete(SntpClient.offsetMs(address, Duration.ofMillis(timeoutMs), System::currentTimeMillis));
        }
        catch (final Exception ex)
        {
            answer.completeExceptionally(ex);
        }
    }
}
