package io.mtgj.perf;

import io.mtgj.config.Durations;
import io.mtgj.perf.CapacitySettings.Scenario;
import io.mtgj.perf.middle.FakeMiddleProxy;
import io.mtgj.perf.middle.MiddleConfigServer;
import io.mtgj.secret.Secret;
import io.mtgj.transport.ProtocolTag;
import org.apache.commons.cli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code mtg-perf capacity}: how many connections the runtime image holds with its default profile and no tuning
 * flags, as users run it, and how it behaves at that scale. Five scenarios on 127.0.0.1, each against fresh
 * processes (the proxy and the fake DC each in their own, so the proxy's RSS is its own and the load process holds
 * only the client sockets); one table at the end. Every loop is bounded in count and time.
 * <ol>
 *     <li>idle: direct-mode connections, handshaken, each with its Telegram leg open, held at once;</li>
 *     <li>relay: many connections downloading at once, the default profile against an arena that never waits;</li>
 *     <li>slow: clients reading 1 KB/s while Telegram streams to them, beside one bulk download;</li>
 *     <li>adtag: idle clients in ad tag mode through the fake middle proxy;</li>
 *     <li>soak: {@link Soak}'s mixed traffic for a while; RSS stays flat and every buffer comes back.</li>
 * </ol>
 */
final class Capacity
{
    /** What each slow reader reads per second. */
    static final long SLOW_READ_BYTES_PER_SECOND = 1024;
    /** The relay's reference: direct memory and an arena large enough that no connection ever waits. */
    static final String REFERENCE_JAVA_OPTS = "-XX:MaxDirectMemorySize=512m";
    static final List<String> REFERENCE_FLAGS = List.of("--buffer-memory", "448MB");
    static final double IDLE_TARGET_BYTES = 100e6;
    static final double RELAY_TARGET_RATIO = 0.90;
    static final double SLOW_TARGET_RATIO = 0.80;
    static final double AD_TAG_TARGET_BYTES = 150e6;
    static final double SOAK_TARGET_PERCENT = 5;

    private static final String AD_TAG = "c0ffee00c0ffee00c0ffee00c0ffee00";
    private static final int PROXY_SECRET_LENGTH = 128;
    private static final int TIMEOUT_MS = 10_000;
    private static final int BULK_PAYLOAD = 64 * 1024;
    private static final long SETTLE_MS = 1_000;
    private static final long HOLD_MS = 2_000;
    /** The fake DC's kernel send buffer per connection (the kernel doubles it). */
    private static final String DC_SEND_BUFFER = "256KB";
    /** Well past the 5 s after which the proxy lets a silent relay's ciphers sleep. */
    private static final long DORMANT_SETTLE_MS = 30_000;
    private static final long RELAY_WARMUP_MS = 3_000;
    private static final long BULK_WARMUP_MS = 2_000;
    private static final long SLOW_FILL_MS = 3_000;
    private static final long QUIET_TIMEOUT_MS = 30_000;
    /** Descriptors a JVM and its listeners hold besides client sockets. */
    private static final int DESCRIPTOR_RESERVE = 200;
    private static final String[] LEASED_METRICS = {"mtg_buffer_leased_bytes", "mtg_buffers_in_use"};

    private final CapacitySettings settings;
    private final PrintStream out;
    private final Path launcher;
    private final Secret secret;
    private final InetAddress loopback;
    private final long openFileLimit;
    private final List<String> rows = new ArrayList<>();
    /** What this scenario's proxies said about their limits at start, for a failure's row. */
    private final List<String> proxyLimits = new ArrayList<>();
    private boolean failed;

    private Capacity(final CapacitySettings settings, final PrintStream out) throws IOException
    {
        this.settings = settings;
        this.out = out;
        this.launcher = settings.image().resolve("bin").resolve("mtg").toAbsolutePath();
        this.secret = Secret.generate(settings.secretMode(), "capacity.mtgj.test", new SecureRandom());
        this.loopback = InetAddress.getByName("127.0.0.1");
        this.openFileLimit = openFileLimit();
    }

    /**
     * @param line parsed {@link CapacitySettings#options()}.
     * @param out  progress and the table.
     * @return 0 when every scenario ran, {@link PerfMain#STATUS_FAILED} when one could not.
     */
    static int run(final CommandLine line, final PrintStream out) throws IOException, InterruptedException
    {
        return new Capacity(CapacitySettings.from(line), out).run();
    }

    private int run() throws IOException, InterruptedException
    {
        if (!Files.isExecutable(launcher))
        {
            throw new IllegalArgumentException("no runtime image at " + settings.image() + " (make image builds it)");
        }
        checkDescriptors();
        Files.createDirectories(settings.logs());
        out.printf(Locale.ROOT, "capacity: %s with its default profile and no tuning flags; %s secret; java %s on %d " +
            "CPUs; open-file limit %d; MB = 10^6 bytes; logs in %s%n", launcher, settings.secretMode().cliName(),
            System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), openFileLimit,
            settings.logs());
        if (settings.isDevelopmentRun())
        {
            row("NOTE", "development run, not the reported configuration: every proxy got MTG_JAVA_OPTS='%s' and " +
                "flags %s", settings.devJavaOpts(), settings.devProxyFlags());
        }
        for (final Scenario scenario : Scenario.values())
        {
            if (settings.runs(scenario))
            {
                runScenario(scenario);
            }
        }
        out.println();
        out.println("| figure | value |");
        out.println("|---|---|");
        for (final String row : rows)
        {
            out.println(row);
        }
        return failed ? PerfMain.STATUS_FAILED : 0;
    }

    private void runScenario(final Scenario scenario) throws InterruptedException
    {
        out.println("== " + scenario.cliName());
        proxyLimits.clear();
        try
        {
            switch (scenario)
            {
                case IDLE:
                    idle();
                    break;
                case RELAY:
                    relay();
                    break;
                case SLOW:
                    slowReaders();
                    break;
                case ADTAG:
                    adTag();
                    break;
                default:
                    soak();
                    break;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            failed = true;
            row(scenario.cliName() + ": FAILED", "%s%s (process logs in %s)", ex.getMessage(),
                proxyLimits.isEmpty() ? "" : "; " + String.join("; ", proxyLimits), settings.logs());
        }
    }

    /**
     * Scenario 1: idle direct-mode connections, each handshaken with one round trip so its Telegram leg is open.
     */
    private void idle() throws IOException, InterruptedException
    {
        final int count = settings.idleConnections();
        try (ManagedProcess dc = startFakeDc("fake-dc-idle");
            ManagedProcess proxy = startProxy("proxy-idle", dc.address(), List.of(), "", List.of()))
        {
            Thread.sleep(SETTLE_MS);
            final long before = proxy.residentBytes();
            final long proxyFileLimit = proxy.openFileLimit();
            row("idle: proxy RSS, fresh and listening", "%.1f MB", Figures.mb(before));
            try (IdleConnections idle = openAndHold("idle", proxy, count))
            {
                final long all = proxy.residentBytes();
                final long descriptors = 2L * count;
                row(String.format(Locale.ROOT, "idle: proxy RSS with %d direct-mode connections held (2 descriptors " +
                    "each: %d of the proxy's %d-file limit%s)", count, descriptors, proxyFileLimit,
                    descriptors * 10 >= proxyFileLimit * 9 ? ", about the most it can hold" : ""),
                    "%.1f MB, %.2f KB per connection; %s", Figures.mb(all),
                    Figures.kbPerConnection(all, before, count), Figures.target(all < IDLE_TARGET_BYTES,
                        "total < 100 MB"));
                // The proxy lets a silent relay's ciphers sleep after 5 s: the figure for connections that stay idle.
                Thread.sleep(DORMANT_SETTLE_MS);
                proxy.requireAlive();
                final long settled = proxy.residentBytes();
                row(String.format(Locale.ROOT, "idle: the same %d connections after %d s more of silence (their " +
                    "ciphers asleep)", count, DORMANT_SETTLE_MS / 1000), "%.1f MB, %.2f KB per connection; %s",
                    Figures.mb(settled), Figures.kbPerConnection(settled, before, count),
                    Figures.target(settled < IDLE_TARGET_BYTES, "total < 100 MB"));
            }
        }
    }

    /**
     * Scenario 2: many connections downloading at once, through the default profile and through the same image with
     * an arena no connection ever waits for, alternating.
     */
    private void relay() throws IOException, InterruptedException
    {
        final int count = settings.relayConnections();
        final boolean hasArena = supportsFlag(REFERENCE_FLAGS.get(0));
        if (!hasArena)
        {
            out.println("relay: this image has no " + REFERENCE_FLAGS.get(0) + ": the reference proxy gets " +
                REFERENCE_JAVA_OPTS + " only");
        }
        final int runs = settings.runs();
        final double[] defaultMBps = new double[runs];
        final double[] referenceMBps = new double[runs];
        final long[] errors = new long[1];
        try (ManagedProcess dc = startFakeDc("fake-dc-relay");
            ManagedProcess plain = startProxy("proxy-relay-default", dc.address(), List.of(), "", List.of());
            ManagedProcess reference = startProxy("proxy-relay-reference", dc.address(),
                hasArena ? REFERENCE_FLAGS : List.of(), REFERENCE_JAVA_OPTS, List.of());
            RssSampler sampler = RssSampler.start(plain))
        {
            // One unmeasured run each first: the image compiles with C2 only, and cold code would weigh on run 1.
            relayRun(plain, "warm-up, default", -1, new long[1]);
            relayRun(reference, "warm-up, reference", -1, new long[1]);
            for (int r = 0; r < runs; r++)
            {
                // Alternate which goes first, so a trend on the machine does not favour one.
                if (0 == r % 2)
                {
                    defaultMBps[r] = relayRun(plain, "default", r, errors);
                    referenceMBps[r] = relayRun(reference, "reference", r, errors);
                }
                else
                {
                    referenceMBps[r] = relayRun(reference, "reference", r, errors);
                    defaultMBps[r] = relayRun(plain, "default", r, errors);
                }
            }
            plain.requireAlive();
            reference.requireAlive();
            final double plainMedian = Figures.median(defaultMBps);
            final double referenceMedian = Figures.median(referenceMBps);
            final double ratio = Figures.ratio(plainMedian, referenceMedian);
            row(String.format(Locale.ROOT, "relay: %d connections downloading at once, default profile / arena that " +
                "never waits (%s%s)", count, REFERENCE_JAVA_OPTS, hasArena ? " " + String.join(" ", REFERENCE_FLAGS) :
                ""), "%.2f (medians %.0f / %.0f MB/s, %d alternating runs of %s)%s; %s", ratio, plainMedian,
                referenceMedian, runs, Durations.format(settings.durationMs()),
                errors[0] > 0 ? ", " + errors[0] + " client errors" : "",
                Figures.target(ratio >= RELAY_TARGET_RATIO, ">= 0.90"));
            row("relay: default-profile proxy RSS, peak during the runs", "%.1f MB", Figures.mb(sampler.peakBytes()));
        }
    }

    private double relayRun(final ManagedProcess proxy, final String which, final int run, final long[] errors)
        throws InterruptedException
    {
        final LoadResult result = new LoadGenerator(new LoadSettings(proxy.address(), secret,
            ProtocolTag.INTERMEDIATE, (short)2, settings.relayConnections(), settings.durationMs(), RELAY_WARMUP_MS,
            BULK_PAYLOAD, BULK_PAYLOAD, LoadMode.DOWNLOAD, 0, TIMEOUT_MS)).run(null);
        errors[0] += result.errorCount();
        final String label = run < 0 ? which : "run " + (run + 1) + ", " + which;
        out.printf(Locale.ROOT, "relay %s: %.0f MB/s%s%n", label, result.throughputMBps(),
            result.errorCount() > 0 ? ", errors " + result.errors() : "");
        Thread.sleep(SETTLE_MS); // let the closes of this run finish before the next
        return result.throughputMBps();
    }

    /**
     * Scenario 3: a bulk download alone, then beside clients that each read 1 KB/s while the fake DC streams to them.
     */
    private void slowReaders() throws IOException, InterruptedException
    {
        final int count = settings.slowReaders();
        final int statsPort = ManagedProcess.freePort();
        try (ManagedProcess dc = startFakeDc("fake-dc-slow");
            ManagedProcess proxy = startProxy("proxy-slow", dc.address(), statsFlags(statsPort), "", List.of()))
        {
            final double solo = bulkDownloads(proxy, "alone");
            try (SlowReaders slow = SlowReaders.open(proxy.address(), secret, count, SLOW_READ_BYTES_PER_SECOND,
                TIMEOUT_MS, out))
            {
                Thread.sleep(SLOW_FILL_MS); // the readers' buffers and the proxy's fill up
                final long rssStart = proxy.residentBytes();
                final long readStart = slow.bytesRead();
                final long startNs = System.nanoTime();
                final double beside;
                final long rssEnd;
                final long peak;
                try (RssSampler sampler = RssSampler.start(proxy))
                {
                    beside = bulkDownloads(proxy, "beside " + count + " slow readers");
                    final long leftMs = settings.slowPhaseMs() - TimeUnit.NANOSECONDS.toMillis(
                        System.nanoTime() - startNs);
                    if (leftMs > 0)
                    {
                        Thread.sleep(leftMs);
                    }
                    proxy.requireAlive();
                    rssEnd = proxy.residentBytes();
                    peak = sampler.peakBytes();
                }
                final double phaseSeconds = seconds(startNs);
                final double readKBps = (slow.bytesRead() - readStart) / 1e3 / phaseSeconds / count;
                final String metrics = scrape(statsPort);
                final int open = slow.stopAndCountOpen();
                final double ratio = Figures.ratio(beside, solo);
                row(String.format(Locale.ROOT, "slow: bulk download beside %d clients reading 1 KB/s / alone " +
                    "(same proxy, just before)", count), "%.2f (medians %.0f / %.0f MB/s, %d runs of %s each); %s",
                    ratio, beside, solo, settings.runs(), Durations.format(settings.durationMs()),
                    Figures.target(ratio >= SLOW_TARGET_RATIO, ">= 0.80"));
                row(String.format(Locale.ROOT, "slow: proxy RSS over %.0f s of slow readers, start / end (peak)",
                    phaseSeconds), "%.1f / %.1f MB (%+.1f%%; peak %.1f MB)", Figures.mb(rssStart), Figures.mb(rssEnd),
                    Figures.percentChange(rssEnd, rssStart), Figures.mb(peak));
                row("slow: readers still open at the end, and what each read", "%d of %d, %.2f KB/s each%s", open,
                    count, readKBps, arenaFigures(metrics));
            }
        }
    }

    /**
     * @return the median of {@link CapacitySettings#runs()} single-client downloads, in MB/s.
     */
    private double bulkDownloads(final ManagedProcess proxy, final String what) throws InterruptedException
    {
        final double[] mbps = new double[settings.runs()];
        for (int r = 0; r < mbps.length; r++)
        {
            final LoadResult result = new LoadGenerator(new LoadSettings(proxy.address(), secret,
                ProtocolTag.INTERMEDIATE, (short)2, 1, settings.durationMs(), BULK_WARMUP_MS, BULK_PAYLOAD,
                BULK_PAYLOAD, LoadMode.DOWNLOAD, 0, TIMEOUT_MS)).run(null);
            mbps[r] = result.throughputMBps();
            out.printf(Locale.ROOT, "slow: bulk download %s, run %d: %.0f MB/s%s%n", what, r + 1, mbps[r],
                result.errorCount() > 0 ? ", errors " + result.errors() : "");
        }
        return Figures.median(mbps);
    }

    /**
     * Scenario 4: idle clients in ad tag mode, through the fake middle proxy, which echoes each client's one packet.
     */
    private void adTag() throws IOException, InterruptedException
    {
        final int count = settings.adTagClients();
        final byte[] proxySecret = new byte[PROXY_SECRET_LENGTH];
        new SecureRandom().nextBytes(proxySecret);
        try (FakeMiddleProxy middleProxy = FakeMiddleProxy.start(proxySecret);
            MiddleConfigServer config = MiddleConfigServer.start(proxySecret,
                MiddleConfigServer.everyDc(List.of(middleProxy.address())), Map.of());
            ManagedProcess proxy = startProxy("proxy-adtag", null, ImageProxy.middleProxyFlags(config), "",
                List.of(AD_TAG)))
        {
            Thread.sleep(SETTLE_MS);
            final long before = proxy.residentBytes();
            try (IdleConnections idle = openAndHold("adtag", proxy, count))
            {
                final long all = proxy.residentBytes();
                if (middleProxy.protocolErrors() > 0)
                {
                    out.println("adtag: the fake middle proxy saw protocol errors: " +
                        middleProxy.protocolErrorMessages());
                }
                row(String.format(Locale.ROOT, "adtag: proxy RSS with %d idle clients through the fake middle proxy " +
                    "(one echo each)", count), "%.1f MB (%.1f MB fresh), %.2f KB per client, %d middle-proxy " +
                    "connections; %s", Figures.mb(all), Figures.mb(before), Figures.kbPerConnection(all, before, count),
                    middleProxy.openConnections(), Figures.target(all < AD_TAG_TARGET_BYTES, "total < 150 MB"));
            }
        }
    }

    /**
     * Open {@code count} handshaken connections (one round trip each) and let them sit for a moment.
     */
    private IdleConnections openAndHold(final String scenario, final ManagedProcess proxy, final int count)
        throws IOException, InterruptedException
    {
        final long startNs = System.nanoTime();
        final IdleConnections idle = IdleConnections.open(proxy.address(), secret, count, TIMEOUT_MS, out);
        try
        {
            out.printf(Locale.ROOT, "%s: %d connections open in %.1f s%n", scenario, idle.size(), seconds(startNs));
            Thread.sleep(HOLD_MS);
            proxy.requireAlive();
            return idle;
        }
        catch (final IOException | InterruptedException | RuntimeException ex)
        {
            idle.close();
            throw ex;
        }
    }

    /**
     * Scenario 5: the soak's mixed traffic against the image; RSS after warm-up against RSS at the end, and the
     * buffers leased once the traffic has stopped.
     */
    private void soak() throws IOException, InterruptedException
    {
        final long durationMs = settings.soakDurationMs();
        // Warm-up is the first half: the anti-replay cache (bounded, 8 MB on the image) fills at this traffic's
        // ~1,600 handshakes a second for minutes, and the heap grows to its working size meanwhile; the series of
        // samples printed shows the curve.
        final long warmupMs = durationMs / 2;
        final long endSampleMs = durationMs - Math.min(5_000, durationMs / 10);
        final int statsPort = ManagedProcess.freePort();
        try (ManagedProcess dc = startFakeDc("fake-dc-soak");
            ManagedProcess proxy = startProxy("proxy-soak", dc.address(), statsFlags(statsPort), "", List.of()))
        {
            out.printf(Locale.ROOT, "soak: %s of mixed traffic; RSS sampled at %s and %s%n",
                Durations.format(durationMs), Durations.format(warmupMs),
                Durations.format(endSampleMs));
            final long startNs = System.nanoTime();
            final Soak.Traffic traffic = Soak.Traffic.start(proxy.address(), secret, durationMs);
            final long rssWarm;
            final long rssEnd;
            final long peak;
            try (RssSampler sampler = RssSampler.start(proxy))
            {
                sampleEvery(proxy, startNs, warmupMs);
                rssWarm = proxy.residentBytes();
                sampleEvery(proxy, startNs, endSampleMs);
                rssEnd = proxy.residentBytes();
                peak = sampler.peakBytes();
            }
            final List<LoadResult> results = traffic.join();
            proxy.requireAlive();
            long handshakes = 0;
            long bytes = 0;
            long errors = 0;
            for (final LoadResult result : results)
            {
                handshakes += result.handshakes();
                bytes += result.bytesUp() + result.bytesDown();
                errors += result.errorCount();
            }
            final String metrics = awaitQuiet(statsPort);
            final double change = Figures.percentChange(rssEnd, rssWarm);
            row(String.format(Locale.ROOT, "soak: proxy RSS after %s of warm-up / at the end of %s of mixed " +
                "traffic (peak)", Durations.format(warmupMs),
                Durations.format(durationMs)), "%.1f / %.1f MB (%+.1f%%; peak %.1f MB); %s",
                Figures.mb(rssWarm), Figures.mb(rssEnd), change, Figures.mb(peak),
                Figures.target(Math.abs(change) <= SOAK_TARGET_PERCENT, "within 5%"));
            final String leasedName = leasedMetric(metrics);
            final double leased = null == leasedName ? Double.NaN : PrometheusText.sum(metrics, leasedName);
            row("soak: buffers leased once the traffic stopped", "%s (%s); %s; %d handshakes, %.0f MB relayed, %d " +
                "client errors", null == leasedName ? "no buffer metric" : String.format(Locale.ROOT, "%.0f", leased),
                null == leasedName ? "-" : leasedName, Figures.target(0 == leased, "0"), handshakes, bytes / 1e6,
                errors);
        }
    }

    /**
     * Print the proxy's RSS at each whole minute of the run until {@code untilMs} from {@code startNs}.
     */
    private void sampleEvery(final ManagedProcess proxy, final long startNs, final long untilMs)
        throws IOException, InterruptedException
    {
        final long stepMs = 60_000;
        long nextMs = (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) / stepMs + 1) * stepMs;
        while (nextMs < untilMs)
        {
            sleepUntil(startNs, nextMs);
            out.printf(Locale.ROOT, "soak: RSS at %s: %.1f MB%n", Durations.format(nextMs),
                Figures.mb(proxy.residentBytes()));
            nextMs += stepMs;
        }
        sleepUntil(startNs, untilMs);
    }

    /**
     * @return the first leased-buffer metric the scrape has: the arena's bytes, or the older buffer count.
     */
    private static String leasedMetric(final String metrics)
    {
        for (final String name : LEASED_METRICS)
        {
            if (!Double.isNaN(PrometheusText.sum(metrics, name)))
            {
                return name;
            }
        }
        return null;
    }

    /**
     * Wait, bounded, until the proxy holds no client and no buffer, and return the last scrape.
     */
    private String awaitQuiet(final int statsPort) throws IOException, InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(QUIET_TIMEOUT_MS);
        while (true)
        {
            final String metrics = scrape(statsPort);
            final String leasedName = leasedMetric(metrics);
            final double clients = PrometheusText.sum(metrics, "mtg_client_connections");
            final boolean quiet = (Double.isNaN(clients) || 0 == clients) &&
                (null == leasedName || 0 == PrometheusText.sum(metrics, leasedName));
            if (quiet || System.nanoTime() > deadlineNs)
            {
                return metrics;
            }
            Thread.sleep(200);
        }
    }

    /**
     * @return the arena's figures from a scrape, when the proxy has them: waits and stalled relays.
     */
    private static String arenaFigures(final String metrics)
    {
        final double waits = PrometheusText.sum(metrics, "mtg_buffer_waits_total");
        final double stalled = PrometheusText.sum(metrics, "mtg_stalled_connections_total");
        final double leased = PrometheusText.sum(metrics, "mtg_buffer_leased_bytes");
        if (Double.isNaN(waits) && Double.isNaN(stalled) && Double.isNaN(leased))
        {
            return "";
        }
        return String.format(Locale.ROOT, "; buffer waits %.0f, stalled relays closed %.0f, leased at the end " +
            "%.1f MB", waits, stalled, leased / 1e6);
    }

    private static String scrape(final int statsPort) throws IOException
    {
        return ImageProxy.httpGet(statsPort, "/metrics");
    }

    private static List<String> statsFlags(final int statsPort)
    {
        return List.of("-t", "127.0.0.1:" + statsPort);
    }

    /**
     * The fake DC runs in its own process: with thousands of connections (a thread each) every process stays within
     * its file limit, and the load process holds only the client sockets.
     */
    private ManagedProcess startFakeDc(final String name) throws IOException, InterruptedException
    {
        final InetSocketAddress address = new InetSocketAddress(loopback, ManagedProcess.freePort());
        final Path log = log(name);
        // Its send buffers are fixed: a real DC's sit in another machine's kernel, not in the proxy's host.
        return ManagedProcess.start(name, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC", "-Xmx512m", "-Xss256k", "-jar", perfJar(), "fake-dc", "--listen",
            PerfMain.text(address), "--send-buffer", DC_SEND_BUFFER), address, log);
    }

    /**
     * Start {@code bin/mtg run} of the image (see {@link ImageProxy#command}) with {@code flags} and the development
     * flags; the profile is the image's own unless {@code javaOpts} says otherwise.
     */
    private ManagedProcess startProxy(final String name, final InetSocketAddress dc, final List<String> flags,
        final String javaOpts, final List<String> trailing) throws IOException, InterruptedException
    {
        final InetSocketAddress address = new InetSocketAddress(loopback, ManagedProcess.freePort());
        final List<String> allFlags = new ArrayList<>(flags);
        allFlags.addAll(settings.devProxyFlags());
        final Path log = log(name);
        final ManagedProcess proxy = ImageProxy.start(name, ImageProxy.command(launcher, address, dc, allFlags,
            secret.toHex(), trailing), (settings.devJavaOpts() + " " + javaOpts).trim(), address, log);
        final String limits = ImageProxy.startupLimits(log);
        if (!limits.isEmpty())
        {
            proxyLimits.add(name + " started with " + limits);
            out.println(name + ": " + limits);
        }
        return proxy;
    }

    /**
     * @return whether the image's {@code mtg run} knows a flag (it lists every flag in its help).
     */
    private boolean supportsFlag(final String flag) throws IOException, InterruptedException
    {
        final Path output = log("mtg-run-help");
        final Process help = new ProcessBuilder(launcher.toString(), "run", "--help").redirectErrorStream(true)
            .redirectOutput(output.toFile()).start();
        if (!help.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS))
        {
            help.destroyForcibly();
            throw new IOException(launcher + " run --help did not finish");
        }
        final String text = Files.readString(output);
        return text.contains(flag + " ");
    }

    private Path log(final String name) throws IOException
    {
        final Path log = settings.logs().resolve(name + ".log");
        Files.deleteIfExists(log);
        return log;
    }

    private static String perfJar()
    {
        final String location = Capacity.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        return location.endsWith(".jar") ? location : "perf/target/mtg-perf.jar";
    }

    /**
     * Each scenario's proxy needs a descriptor per socket, and so does the load process: fail before starting
     * anything when the limit cannot hold the counts asked for.
     */
    private void checkDescriptors()
    {
        if (settings.runs(Scenario.IDLE))
        {
            requireDescriptors("idle-connections", settings.idleConnections(), 2);
        }
        if (settings.runs(Scenario.RELAY))
        {
            requireDescriptors("relay-connections", settings.relayConnections(), 2);
        }
        if (settings.runs(Scenario.SLOW))
        {
            requireDescriptors("slow-readers", settings.slowReaders(), 2);
        }
        if (settings.runs(Scenario.ADTAG))
        {
            requireDescriptors("adtag-clients", settings.adTagClients(), 1);
        }
    }

    private void requireDescriptors(final String option, final int connections, final int perConnection)
    {
        final long needed = (long)connections * perConnection + DESCRIPTOR_RESERVE;
        if (needed > openFileLimit)
        {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--%s %d needs about %d open files in the " +
                "proxy (%d per connection) and the limit here is %d: raise it (ulimit -n $(ulimit -Hn)) or ask " +
                "for fewer", option, connections, needed, perConnection, openFileLimit));
        }
    }

    /**
     * @return this process's soft open-file limit, which the processes it starts inherit (Linux).
     */
    private static long openFileLimit() throws IOException
    {
        return ManagedProcess.openFileLimit(Path.of("/proc/self/limits"));
    }

    private static void sleepUntil(final long startNs, final long offsetMs) throws InterruptedException
    {
        final long waitMs = offsetMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        if (waitMs > 0)
        {
            Thread.sleep(waitMs);
        }
    }

    private static double seconds(final long startNs)
    {
        return (System.nanoTime() - startNs) / 1e9;
    }

    private void row(final String figure, final String format, final Object... values)
    {
        final String row = "| " + figure + " | " + String.format(Locale.ROOT, format, values) + " |";
        rows.add(row);
        out.println(row);
    }

    /**
     * Samples a process's resident memory every 200 ms and keeps the peak, until closed.
     */
    private static final class RssSampler implements AutoCloseable
    {
        private static final long INTERVAL_MS = 200;

        private final ManagedProcess process;
        private final Thread thread;
        private volatile long peakBytes;

        private RssSampler(final ManagedProcess process)
        {
            this.process = process;
            this.thread = new Thread(this::sampleLoop, "rss-sampler");
            this.thread.setDaemon(true);
        }

        static RssSampler start(final ManagedProcess process)
        {
            final RssSampler sampler = new RssSampler(process);
            sampler.thread.start();
            return sampler;
        }

        long peakBytes()
        {
            sample();
            return peakBytes;
        }

        private void sampleLoop()
        {
            while (!Thread.currentThread().isInterrupted())
            {
                sample();
                try
                {
                    Thread.sleep(INTERVAL_MS);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
            }
        }

        private synchronized void sample()
        {
            try
            {
                peakBytes = Math.max(peakBytes, process.residentBytes());
            }
            catch (final IOException ex)
            {
                // the process is gone: keep the peak seen
            }
        }

        @Override
        public void close() throws InterruptedException
        {
            thread.interrupt();
            thread.join(INTERVAL_MS * 10);
        }
    }
}
