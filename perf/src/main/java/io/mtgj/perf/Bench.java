package io.mtgj.perf;

import io.mtgj.config.Durations;
import io.mtgj.crypto.AesCtr;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code make bench}: the fixed suite on loopback. Starts a fake DC, the plain relay and the proxy (one process per
 * secret mode), drives them with the load generator, and prints one table of medians measured side by side.
 */
final class Bench
{
    private static final String CLOAK_TEST_HOST = "bench.mtgj.test";
    /** A small fixed-size heap, so resident memory tracks what connections cost, not how far the heap grew. */
    private static final String DEFAULT_PROXY_JAVA_OPTS = "-XX:+UseSerialGC -Xmx128m -Xss256k";
    /** Memory runs hold 10,000 connections: allow them (idle ones lease no direct memory, so RSS is unaffected). */
    private static final String[] MEMORY_FLAGS = {"--max-connections", "12000"};
    private static final int THROUGHPUT_CONNECTIONS = 2;
    private static final int HANDSHAKE_CONNECTIONS = 8;
    private static final int ECHO_CONNECTIONS = 50;
    private static final double ECHO_RATE = 5_000;
    private static final int ECHO_PAYLOAD = 1024;
    private static final int ACTIVE_RATE_PER_CONNECTION = 5;
    private static final long AES_MEASURE_NS = 2_000_000_000L;

    private final CommandLine line;
    private final PrintStream out;
    private final int runs;
    private final long durationMs;
    private final Path logDir;
    private final List<String> rows = new ArrayList<>();

    private Bench(final CommandLine line, final PrintStream out) throws IOException
    {
        this.line = line;
        this.out = out;
        this.runs = Integer.parseInt(line.getOptionValue("runs", "3"));
        this.durationMs = Durations.parseMs(line.getOptionValue("duration", "5s"));
        this.logDir = Files.createDirectories(Path.of(line.getOptionValue("logs", "perf/target/bench-logs")));
    }

    static Options options()
    {
        final Options options = new Options();
        options.addOption(PerfMain.option("proxy-jar", "JAR", "the proxy (default cli/target/mtg.jar)"));
        options.addOption(PerfMain.option("perf-jar", "JAR", "this harness (default perf/target/mtg-perf.jar)"));
        options.addOption(PerfMain.option("proxy-image", "DIR", "run the proxy from a jlink image (DIR/bin/mtg, its " +
            "own low-memory profile) instead of the jar; the memory figures still use the jar"));
        options.addOption(PerfMain.option("java", "PATH", "java binary for the proxy (default: this JVM's)"));
        options.addOption(PerfMain.option("proxy-java-opts", "OPTS",
            "JVM options for the proxy, space separated (default " + DEFAULT_PROXY_JAVA_OPTS + ")"));
        options.addOption(PerfMain.option("runs", "N", "runs per figure; the median is reported (default 3)"));
        options.addOption(PerfMain.option("duration", "DURATION", "measured time per run (default 5s)"));
        options.addOption(PerfMain.option("idle-connections", "N", "idle connections for the memory figure " +
            "(default 10000, or what the file descriptor limit allows: the proxy holds two sockets each)"));
        options.addOption(PerfMain.option("active-connections", "N", "active connections for the memory figure " +
            "(default 1000)"));
        options.addOption(org.apache.commons.cli.Option.builder().longOpt("tls-shaping-only").desc("measure only " +
            "the cost of record sizing (FakeTLS bulk download, sized vs --no-tls-shaping)").build());
        options.addOption(PerfMain.option("logs", "DIR", "where the processes' output goes (default " +
            "perf/target/bench-logs)"));
        return options;
    }

    static int run(final CommandLine line, final PrintStream out) throws IOException, InterruptedException
    {
        return new Bench(line, out).run();
    }

    private int run() throws IOException, InterruptedException
    {
        out.printf(Locale.ROOT, "bench: %d runs of %d ms per figure; java %s on %d CPUs%n", runs, durationMs,
            System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        final double aesBytesPerSecond = aesCtrRate();
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        final SecureRandom random = new SecureRandom();
        final Secret simple = Secret.generate(SecretMode.SIMPLE, null, random);
        final Secret secured = Secret.generate(SecretMode.SECURED, null, random);
        final Secret tls = Secret.generate(SecretMode.FAKE_TLS, CLOAK_TEST_HOST, random);
        if (line.hasOption("tls-shaping-only"))
        {
            shapingCost(loopback, tls);
            return printTable();
        }
        try (ManagedProcess dc = startFakeDc(loopback);
            ManagedProcess relay = startRelay(dc.address());
            ManagedProcess simpleProxy = startProxy("proxy-simple", simple, dc.address());
            ManagedProcess securedProxy = startProxy("proxy-secured", secured, dc.address());
            ManagedProcess tlsProxy = startProxy("proxy-tls", tls, dc.address()))
        {
            throughput(relay, simpleProxy, simple, LoadMode.DOWNLOAD, aesBytesPerSecond);
            throughput(relay, simpleProxy, simple, LoadMode.UPLOAD, aesBytesPerSecond);
            throughput(relay, tlsProxy, tls, LoadMode.DOWNLOAD, aesBytesPerSecond);
            handshakes(simpleProxy, simple);
            handshakes(securedProxy, secured);
            handshakes(tlsProxy, tls);
            latency(relay, securedProxy, secured);
        }
        try (ManagedProcess dc = startFakeDc(loopback);
            ManagedProcess plain = startProxy("proxy-stats-off", simple, dc.address());
            ManagedProcess withStats = startProxy("proxy-stats-on", simple, dc.address(), "-t", "127.0.0.1:0"))
        {
            statsCost(plain, withStats, simple);
        }
        shapingCost(loopback, tls);
        // Fresh proxies for memory, so earlier runs do not inflate their figures.
        try (ManagedProcess dc = startFakeDc(loopback))
        {
            try (ManagedProcess proxy = startProxy("proxy-idle-memory", secured, dc.address(), MEMORY_FLAGS))
            {
                idleMemory(proxy, secured);
            }
            try (ManagedProcess proxy = startProxy("proxy-active-memory", secured, dc.address(), MEMORY_FLAGS))
            {
                activeMemory(proxy, secured);
            }
        }
        return printTable();
    }

    private int printTable()
    {
        out.println();
        out.println("| figure | value |");
        out.println("|---|---|");
        for (final String row : rows)
        {
            out.println(row);
        }
        return 0;
    }

    /**
     * What record sizing costs a FakeTLS bulk download: two proxies, one with {@code --no-tls-shaping}, measured in
     * turns in the same run.
     */
    private void shapingCost(final InetAddress loopback, final Secret tls) throws IOException, InterruptedException
    {
        try (ManagedProcess dc = startFakeDc(loopback);
            ManagedProcess sized = startProxy("proxy-tls-sized", tls, dc.address());
            ManagedProcess full = startProxy("proxy-tls-full", tls, dc.address(), "--no-tls-shaping"))
        {
            final double[] sizedMBps = new double[runs];
            final double[] fullMBps = new double[runs];
            final double[] sizedCpu = new double[runs];
            final double[] fullCpu = new double[runs];
            for (int r = 0; r < runs; r++)
            {
                // in turns, each first every other run, so neither gains from going first or second
                final boolean fullFirst = 0 == r % 2;
                final double[] firstRun = measureWithCpu(fullFirst ? full : sized, tls, LoadMode.DOWNLOAD);
                final double[] secondRun = measureWithCpu(fullFirst ? sized : full, tls, LoadMode.DOWNLOAD);
                final double[] fullRun = fullFirst ? firstRun : secondRun;
                final double[] sizedRun = fullFirst ? secondRun : firstRun;
                fullMBps[r] = fullRun[0];
                fullCpu[r] = fullRun[1];
                sizedMBps[r] = sizedRun[0];
                sizedCpu[r] = sizedRun[1];
            }
            row("bulk download, tls: sized records / --no-tls-shaping", "%.3f (%.0f / %.0f MB/s)",
                Figures.median(sizedMBps) / Figures.median(fullMBps), Figures.median(sizedMBps),
                Figures.median(fullMBps));
            row("bulk download, tls: CPU per byte, sized / --no-tls-shaping", "%.3f (%.2f / %.2f ns/B)",
                Figures.median(sizedCpu) / Figures.median(fullCpu), Figures.median(sizedCpu), Figures.median(fullCpu));
        }
    }

    private void row(final String figure, final String format, final Object... values)
    {
        final String row = "| " + figure + " | " + String.format(Locale.ROOT, format, values) + " |";
        rows.add(row);
        out.println(row);
    }

    /**
     * Single-core AES-256-CTR in place-like use (distinct heap arrays, 16 KiB calls), as the proxy calls it.
     */
    private double aesCtrRate()
    {
        final byte[] key = new byte[AesCtr.KEY_LENGTH];
        final byte[] iv = new byte[AesCtr.IV_LENGTH];
        final AesCtr cipher = new AesCtr(key, 0, iv, 0);
        final byte[] a = new byte[16 * 1024];
        final byte[] b = new byte[16 * 1024];
        final double[] rates = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            long bytes = 0;
            final long startNs = System.nanoTime();
            while (System.nanoTime() - startNs < AES_MEASURE_NS / runs)
            {
                cipher.update(a, 0, a.length, b, 0);
                bytes += a.length;
            }
            rates[r] = bytes / ((System.nanoTime() - startNs) / 1e9);
        }
        final double rate = Figures.median(rates);
        row("AES-256-CTR, one core (JCE, 16 KiB calls)", "%.0f MB/s", rate / 1e6);
        return rate;
    }

    /**
     * The fake DC runs in its own process too: with thousands of connections each process stays within its file
     * descriptor limit.
     */
    private ManagedProcess startFakeDc(final InetAddress loopback) throws IOException, InterruptedException
    {
        final InetSocketAddress address = new InetSocketAddress(loopback, ManagedProcess.freePort());
        final List<String> command = new ArrayList<>(javaCommand());
        command.addAll(List.of("-Xss256k", "-jar", line.getOptionValue("perf-jar", "perf/target/mtg-perf.jar"),
            "fake-dc", "--listen", PerfMain.text(address)));
        return ManagedProcess.start("fake-dc", command, address, logDir.resolve("fake-dc.log"));
    }

    private ManagedProcess startRelay(final InetSocketAddress dc) throws IOException, InterruptedException
    {
        final InetSocketAddress address = new InetSocketAddress(dc.getAddress(), ManagedProcess.freePort());
        final List<String> command = new ArrayList<>(javaCommand());
        command.addAll(List.of("-jar", line.getOptionValue("perf-jar", "perf/target/mtg-perf.jar"),
            "relay-baseline", "--listen", PerfMain.text(address), "--target", PerfMain.text(dc)));
        return ManagedProcess.start("relay", command, address, logDir.resolve("relay.log"));
    }

    private ManagedProcess startProxy(final String name, final Secret secret, final InetSocketAddress dc,
        final String... extraFlags) throws IOException, InterruptedException
    {
        final InetSocketAddress address = new InetSocketAddress(dc.getAddress(), ManagedProcess.freePort());
        final boolean memoryRun = extraFlags.length > 0 && "--max-connections".equals(extraFlags[0]);
        final List<String> command = new ArrayList<>();
        if (line.hasOption("proxy-image") && !memoryRun)
        {
            command.add(Path.of(line.getOptionValue("proxy-image"), "bin", "mtg").toString());
        }
        else
        {
            command.addAll(javaCommand());
            if (memoryRun)
            {
                command.add("-XX:MaxDirectMemorySize=2g"); // the connection budget is checked against it
            }
            command.addAll(List.of("-jar", line.getOptionValue("proxy-jar", "cli/target/mtg.jar")));
        }
        command.addAll(List.of("run",
            "-b", PerfMain.text(address), "--dc-address", "2=" + PerfMain.text(dc), "-4", "127.0.0.1", "-6", "::1",
            // loopback only: the cloak host and the NTP server are local ports where nothing answers
            "--cloak-host", "127.0.0.1", "--cloak-port", "1", "--ntp-server", "127.0.0.1:9"));
        command.addAll(Arrays.asList(extraFlags));
        command.add(secret.toHex());
        return ManagedProcess.start(name, command, address, logDir.resolve(name + ".log"));
    }

    private List<String> javaCommand()
    {
        final List<String> command = new ArrayList<>();
        command.add(line.getOptionValue("java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Arrays.asList(line.getOptionValue("proxy-java-opts", DEFAULT_PROXY_JAVA_OPTS)
            .trim().split("\\s+")));
        return command;
    }

    private LoadResult load(final InetSocketAddress target, final Secret secret, final LoadMode mode,
        final int connections, final double rate, final int payload) throws InterruptedException
    {
        return new LoadGenerator(new LoadSettings(target, secret, ProtocolTag.INTERMEDIATE, (short)2, connections,
            durationMs, Math.min(2000, durationMs / 2), payload, payload, mode, rate, 10_000)).run(null);
    }

    private void throughput(final ManagedProcess relay, final ManagedProcess proxy, final Secret secret,
        final LoadMode mode, final double aesBytesPerSecond) throws IOException, InterruptedException
    {
        final double[] relayMBps = new double[runs];
        final double[] proxyMBps = new double[runs];
        final double[] relayCpu = new double[runs];
        final double[] proxyCpu = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            final double[] relayRun = measureWithCpu(relay, null, mode);
            relayMBps[r] = relayRun[0];
            relayCpu[r] = relayRun[1];
            final double[] proxyRun = measureWithCpu(proxy, secret, mode);
            proxyMBps[r] = proxyRun[0];
            proxyCpu[r] = proxyRun[1];
        }
        final double relayMedian = Figures.median(relayMBps);
        final double proxyMedian = Figures.median(proxyMBps);
        final String what = mode.cliName() + ", " + secret.mode().cliName();
        row("bulk " + what + ": proxy / plain relay", "%.2f (%.0f / %.0f MB/s)", proxyMedian / relayMedian,
            proxyMedian, relayMedian);
        row("bulk " + what + ": CPU per byte, proxy / plain relay", "%.2f (%.2f / %.2f ns/B)",
            Figures.median(proxyCpu) / Figures.median(relayCpu), Figures.median(proxyCpu), Figures.median(relayCpu));
        row("bulk " + what + ": proxy / (AES-CTR rate / 2)", "%.2f", proxyMedian * 1e6 / (aesBytesPerSecond / 2));
    }

    /**
     * @return {MB/s, nanoseconds of the target process's CPU per byte moved}.
     */
    private double[] measureWithCpu(final ManagedProcess target, final Secret secret, final LoadMode mode)
        throws IOException, InterruptedException
    {
        final LoadGenerator generator = new LoadGenerator(new LoadSettings(target.address(), secret,
            ProtocolTag.INTERMEDIATE, (short)2, THROUGHPUT_CONNECTIONS, durationMs, 0, 64 * 1024, 64 * 1024, mode,
            0, 10_000));
        final long cpuBefore = target.cpuNanos();
        final LoadResult result = check(generator.run(null));
        final long cpu = target.cpuNanos() - cpuBefore;
        return new double[] {result.throughputMBps(), cpu / (double)Math.max(1, result.bytesUp() + result.bytesDown())};
    }

    /**
     * What the Prometheus endpoint's recording costs: the same proxy with and without {@code -t}, alternating.
     */
    private void statsCost(final ManagedProcess plain, final ManagedProcess withStats, final Secret secret)
        throws InterruptedException
    {
        final double[] off = new double[runs];
        final double[] on = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            off[r] = check(load(plain.address(), secret, LoadMode.ECHO, ECHO_CONNECTIONS, 0, ECHO_PAYLOAD))
                .requests() / (durationMs / 1000.0);
            on[r] = check(load(withStats.address(), secret, LoadMode.ECHO, ECHO_CONNECTIONS, 0, ECHO_PAYLOAD))
                .requests() / (durationMs / 1000.0);
        }
        row("echo, closed loop, " + ECHO_CONNECTIONS + " clients: stats on / off", "%.3f (%.0f / %.0f req/s)",
            Figures.median(on) / Figures.median(off), Figures.median(on), Figures.median(off));
    }

    private void handshakes(final ManagedProcess proxy, final Secret secret) throws InterruptedException
    {
        final double[] perSecond = measureRuns(r -> check(load(proxy.address(), secret, LoadMode.HANDSHAKE_ONLY,
            HANDSHAKE_CONNECTIONS, 0, 16)).handshakesPerSecond());
        row("handshakes per second, " + secret.mode().cliName() + " (" + HANDSHAKE_CONNECTIONS + " clients)",
            "%.0f", Figures.median(perSecond));
    }

    private void latency(final ManagedProcess relay, final ManagedProcess proxy, final Secret secret)
        throws InterruptedException
    {
        final double[] relayP99 = measureRuns(r -> check(load(relay.address(), null, LoadMode.ECHO, ECHO_CONNECTIONS,
            ECHO_RATE, ECHO_PAYLOAD)).latencyMs(99));
        final double[] proxyP99 = measureRuns(r -> check(load(proxy.address(), secret, LoadMode.ECHO, ECHO_CONNECTIONS,
            ECHO_RATE, ECHO_PAYLOAD)).latencyMs(99));
        row(String.format(Locale.ROOT, "echo p99 at %.0f req/s, %d B, %d clients: proxy (relay)", ECHO_RATE,
            ECHO_PAYLOAD, ECHO_CONNECTIONS), "%.2f ms (%.2f ms)", Figures.median(proxyP99), Figures.median(relayP99));
    }

    /**
     * Resident memory of a proxy that has already served {@code warmUp} connections and holds none: its young
     * generation has been through use once, as in any proxy that has run for a while, so what grows afterwards is
     * what connections keep.
     */
    private long settledRss(final ManagedProcess proxy, final Secret secret, final int warmUp)
        throws IOException, InterruptedException
    {
        IdleConnections.open(proxy.address(), secret, warmUp, 10_000, null).close();
        Thread.sleep(1000);
        return proxy.residentBytes();
    }

    private void idleMemory(final ManagedProcess proxy, final Secret secret) throws IOException, InterruptedException
    {
        final int idleCount = Integer.parseInt(line.getOptionValue("idle-connections",
            String.valueOf(defaultIdleConnections())));
        final long idleRss = settledRss(proxy, secret, idleCount);
        row("proxy RSS, idle (fresh process, after " + idleCount + " connections came and went)", "%.1f MB",
            idleRss / 1e6);
        try (IdleConnections idle = IdleConnections.open(proxy.address(), secret, idleCount, 10_000, null))
        {
            Thread.sleep(1000);
            final long rss = proxy.residentBytes();
            row("proxy RSS with " + idle.size() + " idle connections", "%.1f MB, %.1f KB per connection", rss / 1e6,
                (rss - idleRss) / 1e3 / idle.size());
        }
    }

    private void activeMemory(final ManagedProcess proxy, final Secret secret)
        throws IOException, InterruptedException
    {
        final int activeCount = Integer.parseInt(line.getOptionValue("active-connections", "1000"));
        final long beforeActive = settledRss(proxy, secret, activeCount);
        final LoadGenerator active = new LoadGenerator(new LoadSettings(proxy.address(), secret,
            ProtocolTag.INTERMEDIATE, (short)2, activeCount, durationMs, Math.min(3000, durationMs), ECHO_PAYLOAD,
            ECHO_PAYLOAD, LoadMode.ECHO, (double)activeCount * ACTIVE_RATE_PER_CONNECTION, 10_000));
        final long[] peak = new long[1];
        final Thread sampler = new Thread(() ->
        {
            while (!Thread.currentThread().isInterrupted())
            {
                try
                {
                    peak[0] = Math.max(peak[0], proxy.residentBytes());
                    Thread.sleep(200);
                }
                catch (final IOException | InterruptedException ex)
                {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.start();
        final LoadResult result = check(active.run(null));
        sampler.interrupt();
        sampler.join();
        row("proxy RSS with " + activeCount + " active connections (" + ACTIVE_RATE_PER_CONNECTION +
            " req/s each)", "%.1f MB peak, %.1f KB per connection; p99 %.2f ms", peak[0] / 1e6,
            (peak[0] - beforeActive) / 1e3 / activeCount, result.latencyMs(99));
    }

    /**
     * 10,000, or fewer where the file descriptor limit would not let the proxy (two sockets per client) hold them.
     */
    private static int defaultIdleConnections() throws IOException
    {
        for (final String limit : Files.readAllLines(Path.of("/proc/self/limits")))
        {
            if (limit.startsWith("Max open files"))
            {
                final long soft = Long.parseLong(limit.substring("Max open files".length()).trim().split("\\s+")[0]);
                return (int)Math.min(10_000, (soft - 256) / 2);
            }
        }
        return 10_000;
    }

    private LoadResult check(final LoadResult result)
    {
        if (result.errorCount() > 0)
        {
            out.println("  warning: errors during a run: " + result.errors());
        }
        return result;
    }

    private double[] measureRuns(final ToDoubleFunctionChecked measure) throws InterruptedException
    {
        final double[] values = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            values[r] = measure.apply(r);
        }
        return values;
    }

    /**
     * One measured run; may be interrupted.
     */
    @FunctionalInterface
    private interface ToDoubleFunctionChecked
    {
        double apply(int run) throws InterruptedException;
    }
}
