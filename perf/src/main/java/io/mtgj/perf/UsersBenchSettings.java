package io.mtgj.perf;

import io.mtgj.perf.UserSecrets.Variant;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What {@code mtg-perf users-bench} runs: its options, read and checked once.
 *
 * @param image        the runtime image (its {@code bin/mtg} is the proxy).
 * @param sizes        user counts, ascending, always holding 1 (the reference of every ratio).
 * @param variants     kinds of user lists.
 * @param cold         whether to measure the cold case too: every client from 127.0.0.1, random users.
 * @param concurrency  visits at a time.
 * @param warmupVisits  unmeasured visits on each fresh proxy, priming included.
 * @param warmupLimitMs the most time the warm-up visits after priming may take.
 * @param primeLimitMs  the most time the priming (one visit per user) may take.
 * @param durationMs   how long each measured phase drives visits.
 * @param runs         runs; each starts a fresh proxy per variant and size, the sizes' order alternating.
 * @param seed         the users' keys and the visits' choices.
 * @param packetLength bytes of each visit's echoed packet.
 * @param logs         where the proxies' output and the secrets files go.
 * @param proxyFlags   extra {@code mtg run} arguments (the table says so).
 */
record UsersBenchSettings(
    Path image,
    List<Integer> sizes,
    List<Variant> variants,
    boolean cold,
    int concurrency,
    int warmupVisits,
    long warmupLimitMs,
    long primeLimitMs,
    long durationMs,
    int runs,
    long seed,
    int packetLength,
    Path logs,
    List<String> proxyFlags)
{
    static final String DEFAULT_SIZES = "1,100,10000";
    static final String DEFAULT_VARIANTS = "one-host,own-host,secured";
    static final long DEFAULT_SEED = 15;
    static final int DEFAULT_WARMUP_VISITS = 12_000;

    static Options options()
    {
        final Options options = new Options();
        options.addOption(PerfMain.option("image", "DIR", "the runtime image, run as DIR/bin/mtg with its default " +
            "profile (default " + CapacitySettings.DEFAULT_IMAGE + ")"));
        options.addOption(PerfMain.option("sizes", "N,N,...", "user counts, each on a fresh proxy; 1 is always " +
            "added, every ratio is to it (default " + DEFAULT_SIZES + ")"));
        options.addOption(PerfMain.option("variants", "V,V,...", "kinds of users: one-host (FakeTLS, all on one " +
            "host), own-host (FakeTLS, a host each), secured (dd) (default " + DEFAULT_VARIANTS + ")"));
        options.addOption(PerfMain.option("no-cold", null, "skip the cold case (every client from 127.0.0.1)"));
        options.addOption(PerfMain.option("concurrency", "N", "visits at a time: connect, handshake, one echo, " +
            "close (default 8)"));
        options.addOption(PerfMain.option("warmup", "N", "unmeasured visits on each fresh proxy, priming included " +
            "(default " + DEFAULT_WARMUP_VISITS + ": the image compiles with C2 only, after about 10,000 calls of a " +
            "method)"));
        options.addOption(PerfMain.option("warmup-limit", "DURATION", "the most time the warm-up after priming may " +
            "take (default 60s)"));
        options.addOption(PerfMain.option("prime-limit", "DURATION", "the most time priming (one visit per user, " +
            "from its own address) may take; the table says when it stopped short (default 5m)"));
        options.addOption(PerfMain.option("duration", "DURATION", "each measured phase (default 10s)"));
        options.addOption(PerfMain.option("runs", "N", "runs, sizes alternating in order; medians are reported " +
            "(default 3)"));
        options.addOption(PerfMain.option("seed", "N", "seed of the users' keys and of the visits (default " +
            DEFAULT_SEED + ")"));
        options.addOption(PerfMain.option("packet", "N", "bytes of each visit's echoed packet, 4 to " +
            UserVisit.MAX_PACKET_LENGTH + " (default 64)"));
        options.addOption(PerfMain.option("logs", "DIR", "where the proxies' output and the secrets files go " +
            "(default perf/target/users-bench-logs)"));
        options.addOption(Option.builder().longOpt("proxy-flags").hasArg().argName("ARGS").desc("extra 'mtg run' " +
            "arguments, space separated; repeatable. The table then says so").build());
        return options;
    }

    /**
     * @param line parsed {@link #options()}.
     * @return the settings.
     * @throws IllegalArgumentException naming a bad value.
     */
    static UsersBenchSettings from(final CommandLine line)
    {
        final List<String> proxyFlags = CapacitySettings.words(line, "proxy-flags");
        final int packet = CapacitySettings.positive(line, "packet", 64);
        if (packet < 4 || packet > UserVisit.MAX_PACKET_LENGTH)
        {
            throw new IllegalArgumentException("bad --packet " + packet + ": 4 to " + UserVisit.MAX_PACKET_LENGTH);
        }
        final String seed = line.getOptionValue("seed", String.valueOf(DEFAULT_SEED));
        final long seedValue;
        try
        {
            seedValue = Long.parseLong(seed.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("bad --seed '" + seed + "': expected a whole number");
        }
        return new UsersBenchSettings(
            Path.of(line.getOptionValue("image", CapacitySettings.DEFAULT_IMAGE)),
            sizes(line.getOptionValue("sizes", DEFAULT_SIZES)),
            variants(line.getOptionValue("variants", DEFAULT_VARIANTS)),
            !line.hasOption("no-cold"),
            CapacitySettings.positive(line, "concurrency", 8),
            CapacitySettings.positive(line, "warmup", DEFAULT_WARMUP_VISITS),
            CapacitySettings.positiveMs(line, "warmup-limit", "60s"),
            CapacitySettings.positiveMs(line, "prime-limit", "5m"),
            CapacitySettings.positiveMs(line, "duration", "10s"),
            CapacitySettings.positive(line, "runs", 3),
            seedValue,
            packet,
            Path.of(line.getOptionValue("logs", "perf/target/users-bench-logs")),
            List.copyOf(proxyFlags));
    }

    /**
     * @param text comma-separated counts ({@code _} may group digits).
     * @return them ascending, without repeats, with 1 added.
     */
    static List<Integer> sizes(final String text)
    {
        final TreeSet<Integer> sizes = new TreeSet<>();
        sizes.add(1);
        for (final String part : text.split(","))
        {
            final String size = part.trim().replace("_", "");
            final int value;
            try
            {
                value = Integer.parseInt(size);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("bad --sizes '" + text + "': '" + part.trim() + "' is not a " +
                    "whole number");
            }
            if (value < 1 || value > SourceAddresses.MAX_USERS)
            {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "bad --sizes '%s': %d is not 1 to %d",
                    text, value, SourceAddresses.MAX_USERS));
            }
            sizes.add(value);
        }
        return List.copyOf(sizes);
    }

    /**
     * @param text comma-separated variant names.
     * @return them in the order given, without repeats.
     */
    static List<Variant> variants(final String text)
    {
        final List<Variant> variants = new ArrayList<>();
        for (final String part : text.split(","))
        {
            final Variant variant = Variant.fromCliName(part);
            if (!variants.contains(variant))
            {
                variants.add(variant);
            }
        }
        return List.copyOf(variants);
    }

    /**
     * @return the largest size.
     */
    int maxSize()
    {
        return sizes.get(sizes.size() - 1);
    }
}
