package io.mtgj.cli;

import io.mtgj.config.Durations;
import io.mtgj.config.HostPort;
import io.mtgj.probe.Observation;
import io.mtgj.probe.ProbeAudit;
import io.mtgj.probe.ProbeRow;
import io.mtgj.publicip.IpLiteral;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

import static io.mtgj.cli.CommandLineError.usage;

/**
 * {@code mtg probe HOST:PORT [--secret S] [--cloak HOST[:PORT]] [--timeout DURATION]}: audits a running proxy from
 * the outside, as a censor's prober would, and prints a side-by-side table of its answers and its cloak host's
 * ({@code io.mtgj.probe}). Exits 0 when nothing tells them apart, 1 when something does, 2 on bad input.
 */
final class ProbeCommand
{
    /** Time each probe waits when {@code --timeout} is not given: longer than the proxy's handshake timeout. */
    static final long DEFAULT_TIMEOUT_MS = 15_000;
    /** Port of the cloak host when none is given. */
    static final int DEFAULT_CLOAK_PORT = 443;

    /** What {@code mtg probe --help} prints. */
    static final String USAGE =
        "Usage: mtg probe HOST:PORT [--secret SECRET] [--cloak HOST[:PORT]] [--timeout DURATION]\n" +
        "\n" +
        "Audits a running proxy from the outside, as a censor's prober would: each probe below goes on a fresh\n" +
        "connection to the proxy and to its cloak host, with the same bytes, and a table shows what came back\n" +
        "from each: bytes (count and SHA-256), TLS records, the timing class of the first byte and of the end\n" +
        "(<250ms, <1s, <5s, >5s) and how the connection ended (FIN, RST, or still open when the timeout came).\n" +
        "Exits 0 when nothing differs, 1 when something does, 2 on bad input.\n" +
        "\n" +
        "Probes: http-get (plain HTTP), random-bytes, truncated-hello (half a ClientHello, then FIN), empty (FIN\n" +
        "at once), foreign-sni (the JDK's ClientHello for another host), stalled-hello (100 bytes, then silence);\n" +
        "with a tls secret also valid-hello (shown, not counted: only clients can send it) and replayed-hello.\n" +
        "\n" +
        "The cloak host is --cloak, else a tls secret's hostname on port " + DEFAULT_CLOAK_PORT + ". Without one (a " +
        "simple or secured\n" +
        "secret) the proxy is held to silence: it must not answer a byte to any probe.\n" +
        "\n" +
        "Flags:\n" +
        "  --secret SECRET       the proxy's secret: its hostname names the cloak host, and a tls secret adds\n" +
        "                        the valid and replayed hellos\n" +
        "  --cloak HOST[:PORT]   where the site the proxy claims to be is reached; the port defaults to " +
        DEFAULT_CLOAK_PORT + "\n" +
        "  --timeout DURATION    time to connect, then to watch each connection; default " +
        Durations.format(DEFAULT_TIMEOUT_MS) + "\n" +
        "  -h, --help            show this help and exit\n";

    private static final String SECRET = "secret";
    private static final String CLOAK = "cloak";
    private static final String TIMEOUT = "timeout";
    private static final String HELP = "help";
    private static final String FALLBACK_NAME = "www.example.com";
    private static final String[] HEADER = {"PROBE", "TARGET", "BYTES", "SHA-256", "RECORDS", "FIRST BYTE", "END"};

    private ProbeCommand()
    {
    }

    /**
     * @param args arguments after {@code probe}.
     * @param out  where the table (or the help) goes.
     * @param err  where an error line goes.
     * @return 0 when nothing differs, 1 when something does or the audit could not run, 2 for bad input.
     */
    static int execute(final String[] args, final PrintStream out, final PrintStream err)
    {
        try
        {
            final CommandLine commandLine = parse(args);
            if (commandLine.hasOption(HELP))
            {
                out.print(USAGE);
                return Main.STATUS_OK;
            }
            final List<String> positional = commandLine.getArgList();
            if (1 != positional.size())
            {
                throw usage((positional.isEmpty() ? "missing HOST:PORT" : "unexpected argument '" +
                    positional.get(1) + "'") + " (usage: mtg probe HOST:PORT [--secret SECRET] [--cloak HOST[:PORT]])");
            }
            final HostPort proxy = hostPort(positional.get(0), false, "HOST:PORT");
            final Secret secret = commandLine.hasOption(SECRET) ? secret(single(commandLine, SECRET)) : null;
            final long timeoutMs = commandLine.hasOption(TIMEOUT) ? timeoutMs(single(commandLine, TIMEOUT)) :
                DEFAULT_TIMEOUT_MS;
            HostPort cloak = commandLine.hasOption(CLOAK) ? hostPort(single(commandLine, CLOAK), true, "--cloak") :
                null;
            if (null == cloak && null != secret && SecretMode.FAKE_TLS == secret.mode())
            {
                cloak = new HostPort(secret.host(), DEFAULT_CLOAK_PORT);
            }
            final String serverName = null != secret && SecretMode.FAKE_TLS == secret.mode() ? secret.host() :
                null != cloak && isName(cloak.host()) ? cloak.host() : FALLBACK_NAME;

            final InetSocketAddress proxyAddress = resolve(proxy, "the proxy");
            final InetSocketAddress cloakAddress = null == cloak ? null : resolve(cloak, "the cloak host");
            out.println("probing " + proxy + " (proxy) and " + (null == cloak ? "expecting silence (no cloak host)" :
                cloak + " (cloak host)") + " as " + serverName + ", timeout " + Durations.format(timeoutMs));
            out.flush();
            final List<ProbeRow> rows = new ProbeAudit(proxyAddress, cloakAddress, serverName, secret,
                (int)timeoutMs).run();
            print(out, rows, null == cloak ? null : cloak.toString());
            return countTells(rows) > 0 ? Main.STATUS_FAILURE : Main.STATUS_OK;
        }
        catch (final CommandLineError ex)
        {
            err.println("mtg: " + ex.getMessage());
            return ex.status();
        }
        catch (final GeneralSecurityException ex)
        {
            err.println("mtg: this JDK cannot make a TLS ClientHello: " + ex.getMessage());
            return Main.STATUS_FAILURE;
        }
    }

    /**
     * Print the table, one line per probe and target, then each difference and the summary line.
     *
     * @param out   where it goes.
     * @param rows  the audit's rows.
     * @param cloak the cloak host as given, or null when the proxy was held to silence.
     */
    static void print(final PrintStream out, final List<ProbeRow> rows, final String cloak)
    {
        final List<String[]> table = new ArrayList<>();
        table.add(HEADER);
        for (final ProbeRow row : rows)
        {
            table.add(cells(row.kind().cliName(), "proxy", row.proxy()));
            if (null != row.reference())
            {
                table.add(cells("", "cloak", row.reference()));
            }
        }
        final int[] widths = new int[HEADER.length];
        for (final String[] line : table)
        {
            for (int i = 0; i < line.length; i++)
            {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (final String[] line : table)
        {
            final StringBuilder text = new StringBuilder(160);
            for (int i = 0; i < line.length; i++)
            {
                text.append(line[i]);
                if (i < line.length - 1)
                {
                    text.append(" ".repeat(widths[i] - line[i].length() + 2));
                }
            }
            out.println(text);
        }
        final List<String> tells = new ArrayList<>();
        int counted = 0;
        for (final ProbeRow row : rows)
        {
            counted += row.kind().isCounted() ? 1 : 0;
            if (!row.differences().isEmpty())
            {
                out.println((row.isTell() ? "differs: " : "info: ") + row.kind().cliName() + ": " +
                    String.join("; ", row.differences()) + (row.isTell() ? "" : " (" + row.kind().description() +
                    ")"));
            }
            if (row.isTell())
            {
                tells.add(row.kind().cliName());
            }
        }
        if (tells.isEmpty())
        {
            out.println("probe: no difference: " + (null == cloak ? "the proxy stayed silent to all " + counted +
                " probes, as a simple or secured proxy should" :
                "the proxy answered all " + counted + " probes as " + cloak + " did"));
        }
        else
        {
            out.println("probe: " + tells.size() + " of " + counted + " probes differ (" + String.join(", ", tells) +
                "): a prober can tell this proxy from " + (null == cloak ? "a silent server" : cloak));
        }
        out.flush();
    }

    private static int countTells(final List<ProbeRow> rows)
    {
        int tells = 0;
        for (final ProbeRow row : rows)
        {
            tells += row.isTell() ? 1 : 0;
        }
        return tells;
    }

    private static String[] cells(final String probe, final String target, final Observation observation)
    {
        return new String[]
        {
            probe,
            target,
            Long.toString(observation.byteCount()),
            observation.sha256().isEmpty() ? "-" : observation.sha256(),
            observation.recordsText(),
            observation.firstByteText(),
            observation.endText(),
        };
    }

    private static String single(final CommandLine commandLine, final String longName) throws CommandLineError
    {
        final String[] values = commandLine.getOptionValues(longName);
        if (values.length > 1)
        {
            throw usage("--" + longName + " given more than once ('" + values[0] + "', '" + values[1] + "')");
        }
        return values[0];
    }

    private static HostPort hostPort(final String text, final boolean portOptional, final String what)
        throws CommandLineError
    {
        final HostPort parsed;
        try
        {
            parsed = HostPort.parse(text, portOptional);
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(what + ": " + ex.getMessage());
        }
        if (0 == parsed.port())
        {
            throw usage(what + ": bad port 0 in '" + text + "'");
        }
        return parsed.hasPort() ? parsed : new HostPort(parsed.host(), DEFAULT_CLOAK_PORT);
    }

    private static InetSocketAddress resolve(final HostPort hostPort, final String what) throws CommandLineError
    {
        try
        {
            return hostPort.resolve();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLineError(Main.STATUS_FAILURE, "cannot reach " + what + " " + hostPort + ": " +
                ex.getMessage());
        }
    }

    private static Secret secret(final String text) throws CommandLineError
    {
        try
        {
            return Secret.parse(text.trim());
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage("--secret: " + ex.getMessage());
        }
    }

    private static long timeoutMs(final String text) throws CommandLineError
    {
        final long ms;
        try
        {
            ms = Durations.parseMs(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage("--timeout: " + ex.getMessage());
        }
        if (ms < 1 || ms > Integer.MAX_VALUE / 4)
        {
            throw usage("--timeout: bad duration '" + text + "': expected 1ms to 6d");
        }
        return ms;
    }

    private static boolean isName(final String host)
    {
        return null == IpLiteral.parse(host, false) && null == IpLiteral.parse(host, true);
    }

    private static CommandLine parse(final String[] args) throws CommandLineError
    {
        final Options options = new Options();
        options.addOption(Option.builder().longOpt(SECRET).hasArg().argName("SECRET").get());
        options.addOption(Option.builder().longOpt(CLOAK).hasArg().argName("HOST[:PORT]").get());
        options.addOption(Option.builder().longOpt(TIMEOUT).hasArg().argName("DURATION").get());
        options.addOption(Option.builder("h").longOpt(HELP).get());
        try
        {
            return DefaultParser.builder().setAllowPartialMatching(false).get().parse(options, args, false);
        }
        catch (final ParseException ex)
        {
            throw usage(ex.getMessage());
        }
    }
}
