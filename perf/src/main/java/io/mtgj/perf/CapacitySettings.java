package io.mtgj.perf;

import io.mtgj.config.Durations;
import io.mtgj.secret.SecretMode;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code mtg-perf capacity} runs: its options, read and checked once.
 *
 * @param image            the runtime image (its {@code bin/mtg} is the proxy).
 * @param secretMode       the secret every scenario's proxy uses.
 * @param idleConnections  idle direct-mode connections held at once.
 * @param relayConnections connections relaying at once.
 * @param slowReaders      clients reading at {@link Capacity#SLOW_READ_BYTES_PER_SECOND}.
 * @param adTagClients     idle clients of the proxy in ad tag mode.
 * @param soakDurationMs   how long the soak's traffic runs.
 * @param runs             alternating relay runs per proxy; the median is reported.
 * @param durationMs       measured time of each relay run and each bulk download.
 * @param slowPhaseMs      how long the slow readers read, from the first RSS sample to the last.
 * @param skipped          scenarios not run.
 * @param logs             where the processes' output goes.
 * @param devProxyFlags    development only: extra {@code mtg run} arguments for every proxy.
 * @param devJavaOpts      development only: {@code MTG_JAVA_OPTS} for every proxy (empty for none).
 */
record CapacitySettings(
    Path image,
    SecretMode secretMode,
    int idleConnections,
    int relayConnections,
    int slowReaders,
    int adTagClients,
    long soakDurationMs,
    int runs,
    long durationMs,
    long slowPhaseMs,
    Set<Scenario> skipped,
    Path logs,
    List<String> devProxyFlags,
    String devJavaOpts)
{
    static final String DEFAULT_IMAGE = "jlink/target/image";
    static final int DEFAULT_IDLE_CONNECTIONS = 9_500;
    static final int DEFAULT_RELAY_CONNECTIONS = 1_000;
    static final int DEFAULT_SLOW_READERS = 500;
    static final int DEFAULT_AD_TAG_CLIENTS = 2_000;
    static final String DEFAULT_SOAK_DURATION = "10m";
    static final long MIN_SOAK_DURATION_MS = 10_000;

    /**
     * The scenarios, in the order they run.
     */
    enum Scenario
    {
        /** Idle direct-mode connections: RSS per connection. */
        IDLE("idle"),
        /** Many relaying connections: the default profile's throughput against an arena that never waits. */
        RELAY("relay"),
        /** Slow readers beside a bulk download. */
        SLOW("slow"),
        /** Idle clients in ad tag mode, through the fake middle proxy. */
        ADTAG("adtag"),
        /** Mixed traffic for a while: RSS stays flat, buffers come back. */
        SOAK("soak");

        private final String cliName;

        Scenario(final String cliName)
        {
            this.cliName = cliName;
        }

        String cliName()
        {
            return cliName;
        }

        static Scenario fromCliName(final String name)
        {
            for (final Scenario scenario : values())
            {
                if (scenario.cliName.equals(name.toLowerCase(Locale.ROOT)))
                {
                    return scenario;
                }
            }
            throw new IllegalArgumentException("bad --skip '" + name + "' (idle, relay, slow, adtag or soak)");
        }
    }

    /**
     * @param scenario a scenario.
     * @return whether it runs.
     */
    boolean runs(final Scenario scenario)
    {
        return !skipped.contains(scenario);
    }

    /**
     * @return whether any development-only option changes the proxies, so the figures are not the reported ones.
     */
    boolean isDevelopmentRun()
    {
        return !devProxyFlags.isEmpty() || !devJavaOpts.isEmpty();
    }

    static Options options()
    {
        final Options options = new Options();
        options.addOption(PerfMain.option("image", "DIR", "the runtime image to measure, run as DIR/bin/mtg with its " +
            "default profile (default " + DEFAULT_IMAGE + ")"));
        options.addOption(PerfMain.option("secret-mode", "MODE", "secret of every proxy: simple, secured or tls " +
            "(default tls)"));
        options.addOption(PerfMain.option("idle-connections", "N", "idle direct-mode connections held at once " +
            "(default " + DEFAULT_IDLE_CONNECTIONS + ": the proxy holds two descriptors each, so a 20,000-file limit " +
            "allows about that many)"));
        options.addOption(PerfMain.option("relay-connections", "N", "connections relaying at once (default " +
            DEFAULT_RELAY_CONNECTIONS + ")"));
        options.addOption(PerfMain.option("slow-readers", "N", "clients reading 1 KB/s beside a bulk download " +
            "(default " + DEFAULT_SLOW_READERS + ")"));
        options.addOption(PerfMain.option("adtag-clients", "N", "idle clients in ad tag mode (default " +
            DEFAULT_AD_TAG_CLIENTS + ")"));
        options.addOption(PerfMain.option("soak-duration", "DURATION", "mixed traffic of the soak (default " +
            DEFAULT_SOAK_DURATION + ", at least 10s)"));
        options.addOption(PerfMain.option("runs", "N", "alternating relay runs per proxy; medians are reported " +
            "(default 3)"));
        options.addOption(PerfMain.option("duration", "DURATION", "measured time of each relay run and bulk download " +
            "(default 5s)"));
        options.addOption(PerfMain.option("slow-phase", "DURATION", "how long the slow readers read between the " +
            "first and last RSS sample (default 30s)"));
        options.addOption(Option.builder().longOpt("skip").hasArg().argName("SCENARIO").desc("do not run a " +
            "scenario: idle, relay, slow, adtag or soak; repeatable").build());
        options.addOption(PerfMain.option("logs", "DIR", "where the processes' output goes (default " +
            "perf/target/capacity-logs)"));
        options.addOption(Option.builder().longOpt("dev-proxy-flags").hasArg().argName("ARGS").desc("development " +
            "only: extra 'mtg run' arguments for every proxy, space separated; repeatable. The figures are then not " +
            "the default profile's and the table says so").build());
        options.addOption(PerfMain.option("dev-java-opts", "OPTS", "development only: MTG_JAVA_OPTS for every " +
            "proxy (the relay's reference proxy adds its own after them)"));
        return options;
    }

    /**
     * @param line parsed {@link #options()}.
     * @return the settings.
     * @throws IllegalArgumentException naming a bad value.
     */
    static CapacitySettings from(final CommandLine line)
    {
        final Set<Scenario> skipped = EnumSet.noneOf(Scenario.class);
        for (final String name : values(line, "skip"))
        {
            skipped.add(Scenario.fromCliName(name.trim()));
        }
        if (skipped.size() == Scenario.values().length)
        {
            throw new IllegalArgumentException("every scenario is skipped: nothing to run");
        }
        final List<String> devFlags = words(line, "dev-proxy-flags");
        final long soakMs = Durations.parseMs(line.getOptionValue("soak-duration", DEFAULT_SOAK_DURATION));
        if (soakMs < MIN_SOAK_DURATION_MS)
        {
            throw new IllegalArgumentException("bad --soak-duration " + Durations.format(soakMs) + ": at least 10s");
        }
        return new CapacitySettings(
            Path.of(line.getOptionValue("image", DEFAULT_IMAGE)),
            SecretMode.fromCliName(line.getOptionValue("secret-mode", SecretMode.FAKE_TLS.cliName())),
            positive(line, "idle-connections", DEFAULT_IDLE_CONNECTIONS),
            positive(line, "relay-connections", DEFAULT_RELAY_CONNECTIONS),
            positive(line, "slow-readers", DEFAULT_SLOW_READERS),
            positive(line, "adtag-clients", DEFAULT_AD_TAG_CLIENTS),
            soakMs,
            positive(line, "runs", 3),
            positiveMs(line, "duration", "5s"),
            positiveMs(line, "slow-phase", "30s"),
            Collections.unmodifiableSet(skipped),
            Path.of(line.getOptionValue("logs", "perf/target/capacity-logs")),
            List.copyOf(devFlags),
            line.getOptionValue("dev-java-opts", "").trim());
    }

    /**
     * @return the space-separated words of every value of a repeatable option (extra command-line arguments).
     */
    static List<String> words(final CommandLine line, final String option)
    {
        final List<String> words = new ArrayList<>();
        for (final String value : values(line, option))
        {
            if (!value.isBlank())
            {
                words.addAll(Arrays.asList(value.trim().split("\\s+")));
            }
        }
        return words;
    }

    /**
     * @return every value of a repeatable option, none when absent.
     */
    static List<String> values(final CommandLine line, final String option)
    {
        final String[] values = line.getOptionValues(option);
        return null == values ? List.of() : Arrays.asList(values);
    }

    /**
     * @return a whole-number option of at least 1 ({@code _} and {@code ,} may group digits).
     * @throws IllegalArgumentException naming the option.
     */
    static int positive(final CommandLine line, final String option, final int defaultValue)
    {
        final String text = line.getOptionValue(option, String.valueOf(defaultValue));
        final int value;
        try
        {
            value = Integer.parseInt(text.replace("_", "").replace(",", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("bad --" + option + " '" + text + "': expected a whole number");
        }
        if (value < 1)
        {
            throw new IllegalArgumentException("bad --" + option + " " + value + ": at least 1");
        }
        return value;
    }

    /**
     * @return a positive duration option, in milliseconds.
     * @throws IllegalArgumentException naming the option.
     */
    static long positiveMs(final CommandLine line, final String option, final String defaultValue)
    {
        final long ms = Durations.parseMs(line.getOptionValue(option, defaultValue));
        if (ms < 1)
        {
            throw new IllegalArgumentException("bad --" + option + " " + ms + "ms: must be positive");
        }
        return ms;
    }
}
