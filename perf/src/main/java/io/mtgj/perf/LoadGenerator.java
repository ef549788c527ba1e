package io.mtgj.perf;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives any MTProto proxy (or a DC, or a plain relay) with real clients, one thread each. In open-loop mode
 * ({@code rate > 0}) every connection sends on a fixed schedule and latency is measured from the time a request
 * was due, not from when it went out, so a stalled proxy cannot hide its stall (no coordinated omission).
 */
public final class LoadGenerator
{
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);
    private static final int DOWNLOAD_CHUNK = 64 << 20;
    private static final int HANDSHAKE_PAYLOAD = 16;

    private final LoadSettings settings;
    private final Recorder latency = new Recorder(HIGHEST_MICROS, 3);
    private final LongAdder bytesUp = new LongAdder();
    private final LongAdder bytesDown = new LongAdder();
    private final LongAdder handshakes = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final AtomicBoolean measuring = new AtomicBoolean();
    private volatile boolean running = true;

    /**
     * @param settings what to run.
     */
    public LoadGenerator(final LoadSettings settings)
    {
        this.settings = settings;
    }

    /**
     * Run the warm-up and the measured window, printing a progress line every second.
     *
     * @param progress where progress lines go, or null for none.
     * @return the measured figures.
     * @throws InterruptedException when interrupted.
     */
    public LoadResult run(final PrintStream progress) throws InterruptedException
    {
        final List<Thread> threads = new ArrayList<>(settings.connections());
        // Without a warm-up, everything counts from the first connection on.
        measuring.set(0 == settings.warmupMs());
        final long firstStartNs = System.nanoTime();
        for (int i = 0; i < settings.connections(); i++)
        {
            final int id = i;
            final Thread thread = new Thread(() -> connectionLoop(id), "load-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        final long startNs;
        if (settings.warmupMs() > 0)
        {
            sleepReporting(settings.warmupMs(), progress, "warm-up");
            resetCounters();
            measuring.set(true);
            startNs = System.nanoTime();
        }
        else
        {
            startNs = firstStartNs;
        }
        sleepReporting(settings.durationMs(), progress, "load");
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        measuring.set(false);
        final LoadResult result = snapshot(seconds, latency.getIntervalHistogram());
        running = false;
        for (final Thread thread : threads)
        {
            thread.join(Math.max(1000, settings.timeoutMs()));
        }
        return result;
    }

    private void resetCounters()
    {
        bytesUp.reset();
        bytesDown.reset();
        handshakes.reset();
        requests.reset();
        errors.clear();
        latency.reset();
    }

    private LoadResult snapshot(final double seconds, final Histogram histogram)
    {
        final Map<String, Long> errorCounts = new HashMap<>();
        errors.forEach((kind, count) -> errorCounts.put(kind, count.sum()));
        return new LoadResult(seconds, bytesUp.sum(), bytesDown.sum(), handshakes.sum(), requests.sum(), histogram,
            errorCounts);
    }

    private void sleepReporting(final long ms, final PrintStream progress, final String phase)
        throws InterruptedException
    {
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long lastUp = bytesUp.sum();
        long lastDown = bytesDown.sum();
        long lastHandshakes = handshakes.sum();
        long lastRequests = requests.sum();
        int second = 0;
        while (System.nanoTime() < endNs)
        {
            Thread.sleep(Math.min(1000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(endNs - System.nanoTime()))));
            second++;
            if (null != progress)
            {
                final long up = bytesUp.sum();
                final long down = bytesDown.sum();
                final long hs = handshakes.sum();
                final long rq = requests.sum();
                progress.printf(Locale.ROOT, "%s %3ds: up %.1f MB/s, down %.1f MB/s, %d handshakes/s, %d req/s, " +
                    "errors %d%n", phase, second, (up - lastUp) / 1e6, (down - lastDown) / 1e6, hs - lastHandshakes,
                    rq - lastRequests, errorTotal());
                lastUp = up;
                lastDown = down;
                lastHandshakes = hs;
                lastRequests = rq;
            }
        }
    }

    private long errorTotal()
    {
        long total = 0;
        for (final LongAdder count : errors.values())
        {
            total += count.sum();
        }
        return total;
    }

    private void connectionLoop(final int id)
    {
        // Fresh seeds every run: a proxy's anti-replay cache rightly refuses a frame it has seen before.
        final Random random = new Random(java.util.concurrent.ThreadLocalRandom.current().nextLong() ^ id);
        final long intervalNs = settings.rate() > 0 ?
            (long)(1e9 * settings.connections() / settings.rate()) : 0;
        // Spread the connections' schedules over one interval so they do not fire together.
        long dueNs = System.nanoTime() + (intervalNs > 0 ? (long)(random.nextDouble() * intervalNs) : 0);
        while (running)
        {
            try (ClientConnection client = ClientConnection.connect(settings.target(), settings.secret(),
                settings.tag(), settings.dc(), random, settings.timeoutMs()))
            {
                switch (settings.mode())
                {
                    case ECHO:
                        dueNs = echo(client, random, intervalNs, dueNs, Integer.MAX_VALUE);
                        break;
                    case HANDSHAKE_ONLY:
                        dueNs = echo(client, random, intervalNs, dueNs, 1);
                        break;
                    case DOWNLOAD:
                        download(client);
                        break;
                    default:
                        upload(client, random);
                        break;
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                if (running)
                {
                    countError(ex);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // no hot loop against a dead target
                }
            }
        }
    }

    /**
     * Round trips until stopped or {@code limit} are done; the first one completes the handshake.
     */
    private long echo(final ClientConnection client, final Random random, final long intervalNs, final long firstDueNs,
        final int limit) throws IOException
    {
        long dueNs = firstDueNs;
        for (int i = 0; i < limit && running; i++)
        {
            if (intervalNs > 0)
            {
                final long waitNs = dueNs - System.nanoTime();
                if (waitNs > 0)
                {
                    LockSupport.parkNanos(waitNs);
                }
            }
            final long startNs = intervalNs > 0 ? dueNs : System.nanoTime();
            final byte[] payload = new byte[limit == 1 ? HANDSHAKE_PAYLOAD : payloadSize(random)];
            random.nextBytes(payload);
            client.send(payload);
            final byte[] echoed = client.receive();
            if (null == echoed)
            {
                throw new ClosedByPeer();
            }
            if (echoed.length < payload.length || !java.util.Arrays.equals(payload, 0, payload.length, echoed, 0,
                payload.length))
            {
                throw new IllegalStateException("bad echo");
            }
            final long endNs = System.nanoTime();
            if (measuring.get())
            {
                latency.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, (endNs - startNs) / 1000)));
                requests.increment();
                bytesUp.add(payload.length);
                bytesDown.add(payload.length);
                if (0 == i)
                {
                    handshakes.increment();
                }
            }
            dueNs += intervalNs;
        }
        return dueNs;
    }

    private void download(final ClientConnection client) throws IOException
    {
        boolean first = true;
        while (running)
        {
            final byte[] command = java.util.Arrays.copyOf(FakeDc.BULK_COMMAND, FakeDc.BULK_COMMAND.length + 8);
            for (int i = 0; i < 8; i++)
            {
                command[FakeDc.BULK_COMMAND.length + i] = (byte)((long)DOWNLOAD_CHUNK >>> (8 * i));
            }
            client.send(command);
            long received = 0;
            while (received < DOWNLOAD_CHUNK && running)
            {
                final byte[] packet = client.receive();
                if (null == packet)
                {
                    throw new ClosedByPeer();
                }
                received += FakeDc.BULK_PACKET_LENGTH;
                if (measuring.get())
                {
                    if (first)
                    {
                        handshakes.increment();
                        first = false;
                    }
                    bytesDown.add(FakeDc.BULK_PACKET_LENGTH);
                }
            }
        }
    }

    private void upload(final ClientConnection client, final Random random) throws IOException
    {
        client.send(java.util.Arrays.copyOf(FakeDc.SINK_COMMAND, FakeDc.SINK_COMMAND.length));
        final byte[] payload = new byte[roundToWords(settings.maxPayload())];
        random.nextBytes(payload);
        boolean first = true;
        while (running)
        {
            client.send(payload);
            if (measuring.get())
            {
                if (first)
                {
                    handshakes.increment();
                    first = false;
                }
                bytesUp.add(payload.length);
            }
        }
    }

    private int payloadSize(final Random random)
    {
        final int span = settings.maxPayload() - settings.minPayload();
        return roundToWords(settings.minPayload() + (span > 0 ? random.nextInt(span + 1) : 0));
    }

    /**
     * MTProto packets are whole 4-byte words (abridged cannot frame anything else).
     */
    private static int roundToWords(final int size)
    {
        return Math.min(PayloadSizes.MAX_PAYLOAD, (size + 3) & ~3);
    }

    private void countError(final Exception ex)
    {
        final String kind;
        if (ex instanceof ClosedByPeer)
        {
            kind = "closed_by_peer";
        }
        else if (ex instanceof ConnectException)
        {
            kind = "connect_refused";
        }
        else if (ex instanceof SocketTimeoutException)
        {
            kind = "timeout";
        }
        else if (ex instanceof IllegalStateException)
        {
            kind = "bad_echo";
        }
        else if (null != ex.getMessage() && ex.getMessage().startsWith("bad ServerHello"))
        {
            kind = "bad_server_hello";
        }
        else
        {
            kind = "io_error";
        }
        if (measuring.get())
        {
            errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }
    }

    /**
     * The target ended the stream where an answer was due.
     */
    private static final class ClosedByPeer extends IOException
    {
        private static final long serialVersionUID = 1L;

        ClosedByPeer()
        {
            super("closed by peer");
        }
    }
}
