package io.mtgj.perf;

import io.mtgj.config.Durations;
import io.mtgj.perf.middle.FakeMiddleProxy;
import io.mtgj.perf.middle.MiddleConfigServer;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.apache.commons.cli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code mtg-perf middle-bench}: this project's proxy and, when a built copy is present, the official C proxy, side
 * by side in ad tag mode against one fake middle proxy of this process, in alternating runs. A run starts two fresh
 * processes of one proxy and measures:
 * <ol>
 *     <li>on the first, RSS per idle client: RSS with N idle {@code dd} clients (each did the obfuscated2 handshake
 *     with the padded intermediate tag and one checked echo) minus RSS before them, over N;</li>
 *     <li>on the second, after an unmeasured round of short clients (so both are measured warm), CPU per client: the
 *     proxy's user and system time over rounds of short clients (connect, handshake, one checked echo, close; a few
 *     at a time), over their count, with RSS after each round so that growth shows;</li>
 *     <li>then, after a second of it unmeasured, CPU per MB echoed: a few clients echoing large packets for a
 *     while;</li>
 *     <li>and RSS at the end: what the handshake and echo runs left.</li>
 * </ol>
 * One table of medians and their ratios follows. Every loop is bounded in count and time; everything stays on
 * 127.0.0.1.
 */
final class MiddleBench
{
    /** Both proxies forward this tag. */
    static final byte[] AD_TAG = Hex.decode("c0ffee00c0ffee00c0ffee00c0ffee00");
    private static final int PROXY_SECRET_LENGTH = 128;
    private static final int TIMEOUT_MS = 10_000;
    private static final long SETTLE_MS = 1_000;
    private static final long HOLD_MS = 2_000;
    /** No churn round may take longer than this. */
    private static final long CHURN_ROUND_LIMIT_MS = 300_000;
    /** Share of a round's short clients that may fail before the run counts as failed. */
    private static final double MAX_CLIENT_ERROR_SHARE = 0.01;
    /** Descriptors a JVM, its listeners and the fake middle proxy's connections take besides the clients. */
    private static final int DESCRIPTOR_RESERVE = 300;
    private static final int START_ATTEMPTS = 3;
    private static final long BULK_WARMUP_MS = 1_000;

    /**
     * The two proxies.
     */
    enum Side
    {
        /** This project's runtime image. */
        THIS("this project", "this"),
        /** TelegramMessenger/MTProxy. */
        C("C MTProxy", "mtproxy");

        private final String label;
        private final String logName;

        Side(final String label, final String logName)
        {
            this.label = label;
            this.logName = logName;
        }

        String label()
        {
            return label;
        }
    }

    private final MiddleBenchSettings settings;
    private final PrintStream out;
    private final Path launcher;
    private final Secret secret;
    private final byte[] proxySecret;
    private final InetAddress loopback;
    private final long openFileLimit;
    private final Map<Side, List<RunFigures>> figures = new EnumMap<>(Side.class);
    private final List<String> failures = new ArrayList<>();
    private long bufferMemoryBytes = -1;
    /** The stats port of the C proxy started last. */
    private int cStatsPort;
    private boolean versionShown;

    private MiddleBench(final MiddleBenchSettings settings, final PrintStream out) throws IOException
    {
        this.settings = settings;
        this.out = out;
        this.launcher = settings.image().resolve("bin").resolve("mtg").toAbsolutePath();
        final SecureRandom random = new SecureRandom();
        this.secret = Secret.generate(SecretMode.SECURED, null, random);
        this.proxySecret = new byte[PROXY_SECRET_LENGTH];
        random.nextBytes(proxySecret);
        this.loopback = InetAddress.getByName("127.0.0.1");
        this.openFileLimit = ManagedProcess.openFileLimit(Path.of("/proc/self/limits"));
    }

    /**
     * @param line parsed {@link MiddleBenchSettings#options()}.
     * @param out  progress and the table.
     * @return 0 when every run finished, {@link PerfMain#STATUS_FAILED} when one did not.
     */
    static int run(final CommandLine line, final PrintStream out) throws IOException, InterruptedException
    {
        return new MiddleBench(MiddleBenchSettings.from(line), out).run();
    }

    private int run() throws IOException, InterruptedException
    {
        if (!Files.isExecutable(launcher))
        {
            throw new IllegalArgumentException("no runtime image at " + settings.image() + " (make image builds it)");
        }
        final boolean withC = null != settings.cProxy() && Files.isExecutable(settings.cProxy());
        if (null != settings.cProxy() && !withC && settings.cProxyRequired())
        {
            throw new IllegalArgumentException("no C proxy at " + settings.cProxy() + " (make mtproxy builds it)");
        }
        final long needed = (long)settings.idleClients() + DESCRIPTOR_RESERVE;
        if (needed > openFileLimit)
        {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--idle-clients %d needs about %d open " +
                "files here and in each proxy, and the limit is %d: raise it (ulimit -n $(ulimit -Hn)) or ask for " +
                "fewer", settings.idleClients(), needed, openFileLimit));
        }
        Files.createDirectories(settings.logs());
        out.printf(Locale.ROOT, "middle-bench: %s with its default profile%s; %s; dd secret, ad tag mode, one fake " +
            "middle proxy; java %s on %d CPUs; open-file limit %d; KB and MB = 10^3 and 10^6 bytes; logs in %s%n",
            launcher, settings.proxyFlags().isEmpty() ? "" : " and flags " + settings.proxyFlags(),
            withC ? "the official C proxy " + settings.cProxy().toAbsolutePath() : "no C proxy",
            System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), openFileLimit,
            settings.logs());
        final List<Side> sides = withC ? List.of(Side.THIS, Side.C) : List.of(Side.THIS);
        try (FakeMiddleProxy middleProxy = FakeMiddleProxy.start(proxySecret, null, false);
            MiddleConfigServer config = MiddleConfigServer.start(proxySecret,
                MiddleConfigServer.everyDc(List.of(middleProxy.address())), Map.of()))
        {
            if (withC)
            {
                OfficialProxy.writeFiles(cFiles(), proxySecret, config.configText());
            }
            for (int r = 0; r < settings.runs(); r++)
            {
                // Alternate which goes first, so a trend on the machine does not favour one.
                for (int i = 0; i < sides.size(); i++)
                {
                    final Side side = sides.get(0 == r % 2 ? i : sides.size() - 1 - i);
                    measure(side, r, middleProxy, config);
                }
            }
            if (middleProxy.protocolErrors() > 0)
            {
                failures.add("the fake middle proxy saw " + middleProxy.protocolErrors() + " protocol errors: " +
                    middleProxy.protocolErrorMessages());
            }
        }
        printTable(withC);
        return failures.isEmpty() ? 0 : PerfMain.STATUS_FAILED;
    }

    private void measure(final Side side, final int run, final FakeMiddleProxy middleProxy,
        final MiddleConfigServer config) throws InterruptedException
    {
        final String name = side.logName + "-run" + (run + 1);
        try
        {
            final RunFigures measured = measureOnce(side, name, middleProxy, config);
            figures.computeIfAbsent(side, s -> new ArrayList<>()).add(measured);
            out.printf(Locale.ROOT, "run %d, %s: %s%n", run + 1, side.label(), measured.summary());
        }
        catch (final IOException | RuntimeException ex)
        {
            final String failure = String.format(Locale.ROOT, "run %d, %s: %s (logs in %s)", run + 1, side.label(),
                ex.getMessage(), settings.logs());
            failures.add(failure);
            out.println("FAILED: " + failure);
        }
    }

    /**
     * Two fresh processes of one proxy: the idle clients on the first; on the second, an unmeasured churn round
     * (so both proxies are measured warm, the JVM's code compiled), the measured churn rounds, then the bulk echo.
     */
    private RunFigures measureOnce(final Side side, final String name, final FakeMiddleProxy middleProxy,
        final MiddleConfigServer config) throws IOException, InterruptedException
    {
        final long middleConnectionsBefore = middleProxy.connectionsAccepted();
        final long freshBytes;
        final long idleBytes;
        try (ManagedProcess proxy = start(side, name + "-idle", config))
        {
            Thread.sleep(SETTLE_MS);
            freshBytes = proxy.residentBytes();
            try (IdleConnections idle = IdleConnections.open(proxy.address(), secret, settings.idleClients(),
                settings.packetLength(), TIMEOUT_MS, null))
            {
                Thread.sleep(HOLD_MS);
                proxy.requireAlive();
                idleBytes = proxy.residentBytes();
                if (Side.C == side)
                {
                    saveStats(name + "-idle");
                }
            }
        }
        try (ManagedProcess proxy = start(side, name + "-churn", config))
        {
            Thread.sleep(SETTLE_MS);
            long clientErrors = churnRound(proxy.address(), settings.warmupClients());
            final long[] afterRoundBytes = new long[settings.churnRounds()];
            final long churnCpuStart = proxy.cpuNanos();
            for (int round = 0; round < afterRoundBytes.length; round++)
            {
                clientErrors += churnRound(proxy.address(), settings.churnClients());
                afterRoundBytes[round] = proxy.residentBytes();
            }
            final long churnCpuNs = proxy.cpuNanos() - churnCpuStart;
            // Unmeasured first, for the same reason as the churn: the bulk path's code, and the fake's, warm.
            final long bulkErrors = bulkEcho(proxy, BULK_WARMUP_MS).errorCount();
            final long bulkCpuStart = proxy.cpuNanos();
            final LoadResult bulk = bulkEcho(proxy, settings.bulkDurationMs());
            final long bulkCpuNs = proxy.cpuNanos() - bulkCpuStart;
            proxy.requireAlive();
            final long endBytes = proxy.residentBytes();
            if (Side.C == side)
            {
                saveStats(name + "-churn");
            }
            return new RunFigures(freshBytes, idleBytes, settings.idleClients(), churnCpuNs,
                settings.churnClients() * settings.churnRounds(), afterRoundBytes, bulkCpuNs, bulk.bytesUp(),
                endBytes, middleProxy.connectionsAccepted() - middleConnectionsBefore,
                clientErrors + bulkErrors + bulk.errorCount());
        }
    }

    /**
     * Start one proxy, again on other ports when it could not listen: a port free a moment ago may meanwhile be the
     * local port of one of the thousands of connections this process opens (they take theirs from the same range).
     */
    private LoadResult bulkEcho(final ManagedProcess proxy, final long durationMs) throws InterruptedException
    {
        return new LoadGenerator(new LoadSettings(proxy.address(), secret, ProtocolTag.PADDED_INTERMEDIATE, (short)2,
            settings.bulkClients(), durationMs, 0, settings.bulkPacketLength(), settings.bulkPacketLength(),
            LoadMode.ECHO, 0, TIMEOUT_MS)).run(null);
    }

    private ManagedProcess start(final Side side, final String name, final MiddleConfigServer config)
        throws IOException, InterruptedException
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return Side.THIS == side ? startThis(name, config) : startC(name);
            }
            catch (final IOException ex)
            {
                if (attempt == START_ATTEMPTS)
                {
                    throw ex;
                }
                out.println(name + ": " + ex.getMessage() + "; again on other ports");
            }
        }
    }

    /**
     * {@code count} short clients, a few at a time: connect, handshake, one checked echo, close.
     *
     * @return how many failed.
     * @throws IOException when too many failed or the round ran out of time.
     */
    private long churnRound(final InetSocketAddress target, final int count) throws IOException, InterruptedException
    {
        final AtomicInteger claimed = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final long maxErrors = (long)Math.floor(count * MAX_CLIENT_ERROR_SHARE);
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHURN_ROUND_LIMIT_MS);
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < settings.churnConcurrency(); t++)
        {
            final Thread thread = new Thread(() ->
            {
                final Random random = new Random(ThreadLocalRandom.current().nextLong());
                while (errors.get() <= maxErrors && System.nanoTime() < deadlineNs &&
                    claimed.getAndIncrement() < count)
                {
                    try (ClientConnection client = ClientConnection.connect(target, secret,
                        ProtocolTag.PADDED_INTERMEDIATE, (short)2, random, TIMEOUT_MS))
                    {
                        client.echo(IdleConnections.packet(random, settings.packetLength()));
                    }
                    catch (final IOException | RuntimeException ex)
                    {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, ex.toString());
                    }
                    finished.incrementAndGet();
                }
            }, "churn-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()) + TIMEOUT_MS));
        }
        if (errors.get() > maxErrors)
        {
            throw new IOException(errors.get() + " short clients failed, the first with " + firstError.get());
        }
        if (finished.get() < count)
        {
            throw new IOException("only " + finished.get() + " of " + count + " short clients finished within " +
                CHURN_ROUND_LIMIT_MS / 1000 + " s");
        }
        return errors.get();
    }

    /**
     * Start the runtime image in ad tag mode, its middle proxy lists and secret from the configuration server.
     */
    private ManagedProcess startThis(final String name, final MiddleConfigServer config)
        throws IOException, InterruptedException
    {
        final InetSocketAddress address = new InetSocketAddress(loopback, ManagedProcess.freePort());
        final List<String> flags = new ArrayList<>(ImageProxy.middleProxyFlags(config));
        flags.addAll(settings.proxyFlags());
        final Path log = log(name);
        final ManagedProcess proxy = ImageProxy.start(name, ImageProxy.command(launcher, address, null, flags,
            secret.toHex(), List.of(Hex.encode(AD_TAG))), "", address, log);
        if (bufferMemoryBytes < 0)
        {
            final String limits = ImageProxy.startupLimits(log);
            bufferMemoryBytes = ImageProxy.bufferMemoryBytes(limits);
            out.println("this project started with " + limits);
        }
        return proxy;
    }

    /**
     * Start the official proxy with the same secret, ad tag and middle proxy, one process.
     */
    private ManagedProcess startC(final String name) throws IOException, InterruptedException
    {
        final InetSocketAddress address = new InetSocketAddress(loopback, ManagedProcess.freePort());
        cStatsPort = ManagedProcess.freePort();
        final Path log = log(name);
        final ManagedProcess proxy = ManagedProcess.start(name, OfficialProxy.command(settings.cProxy(), cFiles(),
            address.getPort(), cStatsPort, secret.key(), AD_TAG, System.getProperty("user.name"), openFileLimit),
            address, log);
        if (!versionShown)
        {
            versionShown = true;
            for (final String line : Files.readAllLines(log, StandardCharsets.UTF_8))
            {
                if (line.contains("Invoking engine"))
                {
                    out.println("C MTProxy: " + line.substring(line.indexOf("Invoking engine")));
                }
            }
        }
        return proxy;
    }

    /**
     * Keep the C proxy's own counters of the run beside its log (forwarded and dropped queries, connections).
     */
    private void saveStats(final String name)
    {
        try
        {
            Files.writeString(settings.logs().resolve(name + "-stats.txt"), ImageProxy.httpGet(cStatsPort, "/stats"));
        }
        catch (final IOException ex)
        {
            out.println(name + ": no /stats: " + ex.getMessage());
        }
    }

    private Path cFiles()
    {
        return settings.logs().resolve("mtproxy-files");
    }

    private Path log(final String name) throws IOException
    {
        final Path log = settings.logs().resolve(name + ".log");
        Files.deleteIfExists(log);
        return log;
    }

    private void printTable(final boolean withC)
    {
        final List<RunFigures> ours = figures.getOrDefault(Side.THIS, List.of());
        final List<RunFigures> theirs = figures.getOrDefault(Side.C, List.of());
        final int rounds = settings.churnRounds();
        out.println();
        out.printf(Locale.ROOT, "Medians of %d alternating runs: %d idle clients; %d short clients unmeasured, then " +
            "%d rounds of %d, %d at a time; %d clients echoing %d-byte packets for 1 s unmeasured, then %s.%n",
            settings.runs(), settings.idleClients(), settings.warmupClients(), rounds, settings.churnClients(),
            settings.churnConcurrency(), settings.bulkClients(), settings.bulkPacketLength(),
            Durations.format(settings.bulkDurationMs()));
        out.println();
        out.println("| measure | " + Side.THIS.label() + " | " + Side.C.label() + " | ratio |");
        out.println("|---|---|---|---|");
        row("RSS per idle client", "%.2f KB", ours, theirs, RunFigures::idleKbPerClient);
        row("CPU per client (connect, handshake, one echo, close)", "%.3f ms", ours, theirs,
            RunFigures::cpuMsPerClient);
        row("CPU per MB echoed", "%.4f s", ours, theirs, RunFigures::cpuSecondsPerMb);
        row("RSS after the handshake and echo runs", "%.1f MB", ours, theirs, f -> Figures.mb(f.endBytes()));
        row("RSS fresh, before any client", "%.1f MB", ours, theirs, f -> Figures.mb(f.freshBytes()));
        out.println("| RSS after each churn round | " + roundsText(ours, rounds) + " | " + roundsText(theirs, rounds) +
            " | - |");
        rowWithoutRatio("RSS growth from the first churn round to the last", "%+.1f MB", ours, theirs,
            f -> Figures.mb(f.churnGrowthBytes()));
        row("middle-proxy connections opened per run", "%.0f", ours, theirs, RunFigures::middleConnections);
        rowWithoutRatio("client errors per run", "%.0f", ours, theirs, RunFigures::clientErrors);
        out.println();
        if (!withC)
        {
            out.println("NOTE: no C proxy" + (null == settings.cProxy() ? " (--c-proxy none)" : " at " +
                settings.cProxy() + " (make mtproxy builds it)") + ": this project's column only.");
        }
        if (!ours.isEmpty() && !theirs.isEmpty())
        {
            out.println("Targets: " + targetText("RSS per idle client at or below C's", ours, theirs,
                RunFigures::idleKbPerClient) + "; " + targetText("CPU per client at or below C's", ours, theirs,
                RunFigures::cpuMsPerClient));
        }
        if (!ours.isEmpty() && bufferMemoryBytes > 0)
        {
            final double growth = median(ours, f -> (double)f.churnGrowthBytes());
            out.printf(Locale.ROOT, "Target: RSS growth across churn rounds within the arena (%.1f MB): %+.1f MB, " +
                "%s%n", Figures.mb(bufferMemoryBytes), Figures.mb((long)growth),
                growth <= bufferMemoryBytes ? "met" : "MISSED");
        }
        for (final String failure : failures)
        {
            out.println("FAILED: " + failure);
        }
    }

    private void row(final String measure, final String format, final List<RunFigures> ours,
        final List<RunFigures> theirs, final Figure figure)
    {
        final double ratio = Figures.ratio(median(ours, figure), median(theirs, figure));
        row(measure, format, ours, theirs, figure, Double.isNaN(ratio) ? "-" :
            String.format(Locale.ROOT, "%.2fx", ratio));
    }

    private void rowWithoutRatio(final String measure, final String format, final List<RunFigures> ours,
        final List<RunFigures> theirs, final Figure figure)
    {
        row(measure, format, ours, theirs, figure, "-");
    }

    private void row(final String measure, final String format, final List<RunFigures> ours,
        final List<RunFigures> theirs, final Figure figure, final String ratio)
    {
        out.println("| " + measure + " | " + format(format, median(ours, figure)) + " | " +
            format(format, median(theirs, figure)) + " | " + ratio + " |");
    }

    private static String format(final String format, final double value)
    {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }

    private static String roundsText(final List<RunFigures> runs, final int rounds)
    {
        if (runs.isEmpty())
        {
            return "-";
        }
        final StringBuilder text = new StringBuilder();
        for (int round = 0; round < rounds; round++)
        {
            final int index = round;
            text.append(0 == round ? "" : " / ").append(String.format(Locale.ROOT, "%.1f",
                Figures.mb((long)median(runs, f -> (double)f.afterRoundBytes()[index]))));
        }
        return text.append(" MB").toString();
    }

    private static String targetText(final String what, final List<RunFigures> ours, final List<RunFigures> theirs,
        final Figure figure)
    {
        return what + " " + (median(ours, figure) <= median(theirs, figure) ? "met" : "MISSED");
    }

    /**
     * @return the median of one figure over runs, NaN without runs.
     */
    static double median(final List<RunFigures> runs, final Figure figure)
    {
        if (runs.isEmpty())
        {
            return Double.NaN;
        }
        final double[] values = new double[runs.size()];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = figure.of(runs.get(i));
        }
        return Figures.median(values);
    }

    /**
     * One figure of a run.
     */
    @FunctionalInterface
    interface Figure
    {
        double of(RunFigures run);
    }

    /**
     * What one run measured on one proxy.
     *
     * @param freshBytes        RSS before any client.
     * @param idleBytes         RSS with the idle clients open.
     * @param idleClients       how many.
     * @param churnCpuNs        CPU time over the churn rounds.
     * @param churnClients      short clients over all rounds.
     * @param afterRoundBytes   RSS after each churn round.
     * @param bulkCpuNs         CPU time while the bulk clients echoed.
     * @param bulkBytes         bytes they sent and got back.
     * @param endBytes          RSS at the end of the run.
     * @param middleConnections middle-proxy connections the fake middle proxy accepted during the run.
     * @param clientErrors      short and bulk clients that failed.
     */
    record RunFigures(
        long freshBytes,
        long idleBytes,
        int idleClients,
        long churnCpuNs,
        int churnClients,
        long[] afterRoundBytes,
        long bulkCpuNs,
        long bulkBytes,
        long endBytes,
        long middleConnections,
        long clientErrors)
    {
        double idleKbPerClient()
        {
            return Figures.kbPerConnection(idleBytes, freshBytes, idleClients);
        }

        double cpuMsPerClient()
        {
            return churnCpuNs / 1e6 / churnClients;
        }

        double cpuSecondsPerMb()
        {
            return bulkBytes > 0 ? bulkCpuNs / 1e9 / (bulkBytes / 1e6) : Double.NaN;
        }

        long churnGrowthBytes()
        {
            return afterRoundBytes[afterRoundBytes.length - 1] - afterRoundBytes[0];
        }

        String summary()
        {
            final StringBuilder rounds = new StringBuilder();
            for (final long bytes : afterRoundBytes)
            {
                rounds.append(0 == rounds.length() ? "" : " / ").append(String.format(Locale.ROOT, "%.1f",
                    Figures.mb(bytes)));
            }
            return String.format(Locale.ROOT, "RSS %.1f MB fresh, %.1f MB with %d idle clients (%.2f KB each); " +
                "CPU %.3f ms per short client over %d, RSS after each round %s MB; %.0f MB echoed at %.4f s CPU per " +
                "MB; RSS at the end %.1f MB; %d middle-proxy connections opened; %d client errors", Figures.mb(
                freshBytes), Figures.mb(idleBytes), idleClients, idleKbPerClient(), cpuMsPerClient(), churnClients,
                rounds, bulkBytes / 1e6, cpuSecondsPerMb(), Figures.mb(endBytes), middleConnections, clientErrors);
        }
    }
}
