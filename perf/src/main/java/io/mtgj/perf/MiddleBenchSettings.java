package io.mtgj.perf;

import io.mtgj.config.ByteSize;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What {@code mtg-perf middle-bench} runs: its options, read and checked once.
 *
 * @param image            the runtime image (its {@code bin/mtg} is this project's proxy).
 * @param cProxy           the official C proxy's binary, or null when it is not to run.
 * @param cProxyRequired   whether {@code cProxy} was named on the command line, so its absence is an error rather
 *                         than a note.
 * @param idleClients      idle clients held at once for the memory figure.
 * @param warmupClients    short clients of the unmeasured churn round first.
 * @param churnClients     short clients per churn round.
 * @param churnConcurrency short clients at a time.
 * @param churnRounds      churn rounds per run; RSS is sampled after each.
 * @param packetLength     bytes of each idle and short client's one echoed packet.
 * @param bulkClients      clients echoing bulk at once for the CPU per MB figure.
 * @param bulkPacketLength bytes of each of their packets.
 * @param bulkDurationMs   how long they echo.
 * @param runs             alternating runs per proxy; the medians are reported.
 * @param logs             where the processes' output and the C proxy's files go.
 * @param proxyFlags       extra {@code mtg run} arguments for this project's proxy (the table says so).
 */
record MiddleBenchSettings(
    Path image,
    Path cProxy,
    boolean cProxyRequired,
    int idleClients,
    int warmupClients,
    int churnClients,
    int churnConcurrency,
    int churnRounds,
    int packetLength,
    int bulkClients,
    int bulkPacketLength,
    long bulkDurationMs,
    int runs,
    Path logs,
    List<String> proxyFlags)
{
    static final String DEFAULT_C_PROXY = ".cache/mtproxy/mtproto-proxy";
    static final int DEFAULT_IDLE_CLIENTS = 3_000;
    static final int DEFAULT_CHURN_CLIENTS = 2_000;
    /**
     * The warm-up round: the runtime image compiles with C2 only, whose thresholds (10,000 calls of a method) a
     * proxy's short-client path crosses after about 6,000 clients; with 2,000 the measured rounds still paid for
     * compiling (0.44 against 0.18 ms per client measured warm). The C proxy gets the same round.
     */
    static final int DEFAULT_WARMUP_CLIENTS = 6_000;
    /** The official proxy drops a client packet shorter than an encrypted MTProto message's 56-byte header. */
    static final int MIN_PACKET_LENGTH = 56;

    static Options options()
    {
        final Options options = new Options();
        options.addOption(PerfMain.option("image", "DIR", "this project's runtime image, run as DIR/bin/mtg with its " +
            "default profile (default " + CapacitySettings.DEFAULT_IMAGE + ")"));
        options.addOption(PerfMain.option("c-proxy", "PATH", "the official C proxy's mtproto-proxy binary (make " +
            "mtproxy builds it); 'none' to leave it out (default " + DEFAULT_C_PROXY + ", left out with a note when " +
            "absent)"));
        options.addOption(PerfMain.option("idle-clients", "N", "idle clients held at once (default " +
            DEFAULT_IDLE_CLIENTS + ")"));
        options.addOption(PerfMain.option("warmup-clients", "N", "short clients of an unmeasured churn round before " +
            "the measured ones, so both proxies are measured warm (default " + DEFAULT_WARMUP_CLIENTS + ")"));
        options.addOption(PerfMain.option("churn-clients", "N", "short clients per churn round: connect, handshake, " +
            "one echo, close (default " + DEFAULT_CHURN_CLIENTS + ")"));
        options.addOption(PerfMain.option("churn-concurrency", "N", "short clients at a time (default 8)"));
        options.addOption(PerfMain.option("churn-rounds", "N", "churn rounds per run, RSS sampled after each " +
            "(default 3)"));
        options.addOption(PerfMain.option("packet", "SIZE", "the idle and short clients' echoed packet, at least " +
            MIN_PACKET_LENGTH + " bytes (default 64)"));
        options.addOption(PerfMain.option("bulk-clients", "N", "clients echoing bulk at once (default 4)"));
        options.addOption(PerfMain.option("bulk-packet", "SIZE", "their packets (default 64KB)"));
        options.addOption(PerfMain.option("bulk-duration", "DURATION", "how long they echo (default 5s)"));
        options.addOption(PerfMain.option("runs", "N", "alternating runs per proxy; medians are reported (default 3)"));
        options.addOption(PerfMain.option("logs", "DIR", "where the processes' output goes (default " +
            "perf/target/middle-bench-logs)"));
        options.addOption(Option.builder().longOpt("proxy-flags").hasArg().argName("ARGS").desc("extra 'mtg run' " +
            "arguments for this project's proxy, space separated; repeatable. The table then says so").build());
        return options;
    }

    /**
     * @param line parsed {@link #options()}.
     * @return the settings.
     * @throws IllegalArgumentException naming a bad value.
     */
    static MiddleBenchSettings from(final CommandLine line)
    {
        final String cProxy = line.getOptionValue("c-proxy", DEFAULT_C_PROXY);
        final List<String> proxyFlags = CapacitySettings.words(line, "proxy-flags");
        final int packet = packetLength(line, "packet", "64", MIN_PACKET_LENGTH);
        return new MiddleBenchSettings(
            Path.of(line.getOptionValue("image", CapacitySettings.DEFAULT_IMAGE)),
            "none".equals(cProxy.toLowerCase(Locale.ROOT)) ? null : Path.of(cProxy),
            line.hasOption("c-proxy"),
            CapacitySettings.positive(line, "idle-clients", DEFAULT_IDLE_CLIENTS),
            CapacitySettings.positive(line, "warmup-clients", DEFAULT_WARMUP_CLIENTS),
            CapacitySettings.positive(line, "churn-clients", DEFAULT_CHURN_CLIENTS),
            CapacitySettings.positive(line, "churn-concurrency", 8),
            CapacitySettings.positive(line, "churn-rounds", 3),
            packet,
            CapacitySettings.positive(line, "bulk-clients", 4),
            packetLength(line, "bulk-packet", "64KB", MIN_PACKET_LENGTH),
            CapacitySettings.positiveMs(line, "bulk-duration", "5s"),
            CapacitySettings.positive(line, "runs", 3),
            Path.of(line.getOptionValue("logs", "perf/target/middle-bench-logs")),
            List.copyOf(proxyFlags));
    }

    private static int packetLength(final CommandLine line, final String option, final String defaultValue,
        final int min)
    {
        final String text = line.getOptionValue(option, defaultValue);
        final long length = ByteSize.parse(text);
        if (length < min || length > PayloadSizes.MAX_PAYLOAD || 0 != length % 4)
        {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "bad --%s %s: a multiple of 4 from %d " +
                "(the official proxy drops shorter packets) to %d bytes", option, text, min,
                PayloadSizes.MAX_PAYLOAD));
        }
        return (int)length;
    }
}
