package io.mtgj.perf;

import io.mtgj.config.ByteSize;
import io.mtgj.config.Durations;
import io.mtgj.config.HostPort;
import io.mtgj.secret.Secret;
import io.mtgj.transport.ProtocolTag;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code mtg-perf}: the load-test harness. Commands: {@code fake-dc}, {@code load}, {@code relay-baseline},
 * {@code idle}, {@code bench}, {@code soak}, {@code capacity}, {@code middle-bench}, {@code users-bench}. Exit status
 * 2 on bad input, 1 on a failed run.
 */
public final class PerfMain
{
    static final int STATUS_BAD_INPUT = 2;
    static final int STATUS_FAILED = 1;
    private static final String USAGE = "Usage: mtg-perf fake-dc|load|relay-baseline|idle|bench|soak|capacity|" +
        "middle-bench|users-bench [options] (mtg-perf COMMAND --help for its options)";

    private PerfMain()
    {
    }

    /**
     * @param args command and options.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * @param args command and options.
     * @param out  results and progress.
     * @param err  errors.
     * @return the exit status.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (0 == args.length || "--help".equals(args[0]) || "-h".equals(args[0]))
        {
            (0 == args.length ? err : out).println(USAGE);
            return 0 == args.length ? STATUS_BAD_INPUT : 0;
        }
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try
        {
            switch (args[0])
            {
                case "fake-dc":
                    return fakeDc(parse(args[0], fakeDcOptions(), rest, out), out);
                case "load":
                    return load(parse(args[0], loadOptions(), rest, out), out);
                case "relay-baseline":
                    return relayBaseline(parse(args[0], relayOptions(), rest, out), out);
                case "idle":
                    return idle(parse(args[0], idleOptions(), rest, out), out);
                case "bench":
                    return Bench.run(parse(args[0], Bench.options(), rest, out), out);
                case "capacity":
                    return Capacity.run(parse(args[0], CapacitySettings.options(), rest, out), out);
                case "middle-bench":
                    return MiddleBench.run(parse(args[0], MiddleBenchSettings.options(), rest, out), out);
                case "users-bench":
                    return UsersBench.run(parse(args[0], UsersBenchSettings.options(), rest, out), out);
                case "soak":
                    return Soak.run(Durations.parseMs(parse(args[0], soakOptions(), rest, out)
                        .getOptionValue("duration", "10m")), out);
                default:
                    err.println("mtg-perf: unknown command '" + args[0] + "'");
                    err.println(USAGE);
                    return STATUS_BAD_INPUT;
            }
        }
        catch (final HelpShown ex)
        {
            return 0;
        }
        catch (final ParseException | IllegalArgumentException ex)
        {
            err.println("mtg-perf: " + ex.getMessage());
            return STATUS_BAD_INPUT;
        }
        catch (final IOException ex)
        {
            err.println("mtg-perf: " + ex.getMessage());
            return STATUS_FAILED;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return STATUS_FAILED;
        }
    }

    private static CommandLine parse(final String command, final Options options, final String[] args,
        final PrintStream out) throws ParseException
    {
        options.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        final CommandLine line = DefaultParser.builder().setAllowPartialMatching(false).get()
            .parse(options, args, false);
        if (line.hasOption("help"))
        {
            final PrintWriter writer = new PrintWriter(out, true, StandardCharsets.UTF_8);
            new HelpFormatter().printHelp(writer, 120, "mtg-perf " + command, null, options, 2, 2, null, true);
            writer.flush();
            throw new HelpShown();
        }
        if (!line.getArgList().isEmpty())
        {
            throw new IllegalArgumentException("unexpected argument '" + line.getArgList().get(0) + "'");
        }
        return line;
    }

    static Option option(final String longName, final String argName, final String description)
    {
        return Option.builder().longOpt(longName).hasArg(null != argName).argName(argName).desc(description).build();
    }

    private static Options fakeDcOptions()
    {
        final Options options = new Options();
        options.addOption(Option.builder().longOpt("listen").hasArgs().argName("HOST:PORT")
            .desc("where to listen; repeat or list several for one port per DC (default 127.0.0.1:0)").build());
        options.addOption(option("send-buffer", "SIZE", "fix each connection's kernel send buffer (default: the " +
            "kernel's tuning); keeps a fake DC streaming to many slow clients from filling the host's TCP memory"));
        return options;
    }

    private static int fakeDc(final CommandLine line, final PrintStream out) throws IOException, InterruptedException
    {
        final String[] listen = line.hasOption("listen") ? line.getOptionValues("listen") :
            new String[] {"127.0.0.1:0"};
        final List<FakeDc> dcs = new ArrayList<>();
        for (final String address : listen)
        {
            final FakeDc dc = FakeDc.start(address(address), line.hasOption("send-buffer") ?
                (int)ByteSize.parse(line.getOptionValue("send-buffer")) : 0);
            dcs.add(dc);
            out.println("fake DC listening on " + text(dc.address()));
        }
        awaitShutdown(() ->
        {
            for (final FakeDc dc : dcs)
            {
                try
                {
                    dc.close();
                }
                catch (final IOException ignore)
                {
                    // exiting
                }
            }
        });
        return 0;
    }

    static Options loadOptions()
    {
        final Options options = new Options();
        options.addOption(option("proxy", "HOST:PORT", "the proxy (or DC, or relay) to drive (required)"));
        options.addOption(option("secret", "SECRET", "the proxy's secret; 'none' speaks to a DC or a plain relay " +
            "(required)"));
        options.addOption(option("connections", "N", "concurrent connections (default 1)"));
        options.addOption(option("duration", "DURATION", "measured time (default 10s)"));
        options.addOption(option("warmup", "DURATION", "unmeasured time first (default 2s)"));
        options.addOption(option("payload", "SIZE|MIN-MAX", "packet payload, rounded up to 4 bytes (default 1KB)"));
        options.addOption(option("mode", "MODE", "echo, download, upload or handshake-only (default echo)"));
        options.addOption(option("rate", "N", "total requests per second, open loop; 0 = closed loop (default 0)"));
        options.addOption(option("dc", "N", "signed DC index to ask for (default 2)"));
        options.addOption(option("transport", "TAG", "abridged, intermediate or padded for simple secrets and " +
            "'none' (default intermediate)"));
        options.addOption(option("timeout", "DURATION", "connect and read timeout (default 10s)"));
        options.addOption(option("json", "FILE", "also write the result as JSON"));
        return options;
    }

    static LoadSettings loadSettings(final CommandLine line)
    {
        if (!line.hasOption("proxy") || !line.hasOption("secret"))
        {
            throw new IllegalArgumentException("load needs --proxy HOST:PORT and --secret SECRET|none");
        }
        final int[] payload = PayloadSizes.parse(line.getOptionValue("payload", "1KB"));
        final String secret = line.getOptionValue("secret");
        return new LoadSettings(
            address(line.getOptionValue("proxy")),
            "none".equals(secret) ? null : Secret.parse(secret),
            transport(line.getOptionValue("transport", "intermediate")),
            Short.parseShort(line.getOptionValue("dc", "2")),
            Integer.parseInt(line.getOptionValue("connections", "1")),
            Durations.parseMs(line.getOptionValue("duration", "10s")),
            Durations.parseMs(line.getOptionValue("warmup", "2s")),
            payload[0],
            payload[1],
            LoadMode.fromName(line.getOptionValue("mode", "echo")),
            Double.parseDouble(line.getOptionValue("rate", "0")),
            (int)Durations.parseMs(line.getOptionValue("timeout", "10s")));
    }

    private static int load(final CommandLine line, final PrintStream out) throws IOException, InterruptedException
    {
        final LoadResult result = new LoadGenerator(loadSettings(line)).run(out);
        out.println(result.summary());
        if (line.hasOption("json"))
        {
            Files.writeString(Path.of(line.getOptionValue("json")), result.toJson() + "\n");
        }
        return 0;
    }

    private static Options soakOptions()
    {
        final Options options = new Options();
        options.addOption(option("duration", "DURATION", "how long to run the mixed traffic (default 10m)"));
        return options;
    }

    private static Options relayOptions()
    {
        final Options options = new Options();
        options.addOption(option("listen", "HOST:PORT", "where to listen (default 127.0.0.1:0)"));
        options.addOption(option("target", "HOST:PORT", "where to relay every connection (required)"));
        options.addOption(option("workers", "N", "reactor threads (default: number of CPUs)"));
        options.addOption(option("buffer", "SIZE", "buffer per direction (default 32KB, as the proxy's)"));
        return options;
    }

    private static int relayBaseline(final CommandLine line, final PrintStream out)
        throws IOException, InterruptedException
    {
        if (!line.hasOption("target"))
        {
            throw new IllegalArgumentException("relay-baseline needs --target HOST:PORT");
        }
        final RelayBaseline relay = RelayBaseline.start(
            address(line.getOptionValue("listen", "127.0.0.1:0")),
            address(line.getOptionValue("target")),
            Integer.parseInt(line.getOptionValue("workers",
                String.valueOf(Runtime.getRuntime().availableProcessors()))),
            (int)ByteSize.parse(line.getOptionValue("buffer", "32KB")));
        out.println("relay listening on " + text(relay.address()));
        awaitShutdown(relay::close);
        return 0;
    }

    private static Options idleOptions()
    {
        final Options options = new Options();
        options.addOption(option("proxy", "HOST:PORT", "the proxy (required)"));
        options.addOption(option("secret", "SECRET", "its secret, or 'none' (required)"));
        options.addOption(option("connections", "N", "connections to open and hold (default 1000)"));
        options.addOption(option("hold", "DURATION", "how long to hold them (default: until stopped)"));
        return options;
    }

    private static int idle(final CommandLine line, final PrintStream out) throws IOException, InterruptedException
    {
        if (!line.hasOption("proxy") || !line.hasOption("secret"))
        {
            throw new IllegalArgumentException("idle needs --proxy HOST:PORT and --secret SECRET|none");
        }
        final String secret = line.getOptionValue("secret");
        try (IdleConnections idle = IdleConnections.open(address(line.getOptionValue("proxy")),
            "none".equals(secret) ? null : Secret.parse(secret),
            Integer.parseInt(line.getOptionValue("connections", "1000")), 10_000, out))
        {
            out.println("holding " + idle.size() + " idle connections");
            if (line.hasOption("hold"))
            {
                Thread.sleep(Durations.parseMs(line.getOptionValue("hold")));
            }
            else
            {
                awaitShutdown(() -> { });
            }
        }
        return 0;
    }

    static InetSocketAddress address(final String text)
    {
        return HostPort.parse(text, false).resolve();
    }

    static String text(final InetSocketAddress address)
    {
        final String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static ProtocolTag transport(final String name)
    {
        switch (name.toLowerCase(Locale.ROOT))
        {
            case "abridged":
                return ProtocolTag.ABRIDGED;
            case "intermediate":
                return ProtocolTag.INTERMEDIATE;
            case "padded":
                return ProtocolTag.PADDED_INTERMEDIATE;
            default:
                throw new IllegalArgumentException("bad --transport '" + name + "' (abridged, intermediate, padded)");
        }
    }

    private static void awaitShutdown(final Runnable onStop) throws InterruptedException
    {
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            onStop.run();
            stopped.countDown();
        }, "mtg-perf-shutdown"));
        stopped.await();
    }

    /**
     * {@code --help} was printed; nothing else to do.
     */
    private static final class HelpShown extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        HelpShown()
        {
            super(null, null, false, false);
        }
    }
}
