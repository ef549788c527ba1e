package io.mtgj.cli;

import io.mtgj.config.Capacity;
import io.mtgj.config.Durations;
import io.mtgj.config.ProxyConfig;
import io.mtgj.diagnose.Check;
import io.mtgj.diagnose.ClockDiagnosis;
import io.mtgj.diagnose.CloakTlsCheck;
import io.mtgj.diagnose.DcReachability;
import io.mtgj.diagnose.Doctor;
import io.mtgj.diagnose.Finding;
import io.mtgj.diagnose.MiddleProxyDiagnosis;
import io.mtgj.diagnose.OpenFilesCheck;
import io.mtgj.diagnose.SniAddressCheck;
import io.mtgj.diagnose.Verdict;
import io.mtgj.secret.SecretMode;
import io.mtgj.telegram.DcTable;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;

import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.mtgj.cli.CommandLineError.usage;

/**
 * {@code mtg doctor [flags] <secret> [adtag]}: one-shot checks an operator runs on the server before (or beside)
 * {@code mtg run}, with the same flags and {@code MTG_*} variables, so it checks what the proxy would use. Prints one
 * line per finding, {@code OK}, {@code WARN} or {@code FAIL} with what was found and what to do, then a summary;
 * exits 1 when anything failed. The checks themselves live in {@code io.mtgj.diagnose}.
 */
final class DoctorCommand
{
    /** Each network step's time when {@code --dial-timeout} is not given: doctor answers in seconds. */
    static final long DEFAULT_DIAL_TIMEOUT_MS = 5_000;

    /** What {@code mtg doctor --help} prints. */
    static final String USAGE =
        "Usage: mtg doctor [flags] <secret> [adtag]\n" +
        "\n" +
        "Checks, once, what a proxy with this secret needs from this server, and prints one line per finding:\n" +
        "OK, WARN or FAIL, what was found and, when it is not OK, what to do. Exits 1 when a check fails, 0\n" +
        "otherwise, 2 on bad input. It takes every flag and MTG_* variable of 'mtg run' (see mtg run --help), so\n" +
        "the same command line checks what the proxy would use; these decide what is checked:\n" +
        "\n" +
        "  clock          the clock against SNTP: FAIL beyond --tolerate-time-skewness, WARN beyond half of it\n" +
        "                 (--ntp-server)\n" +
        "  dc N           each Telegram DC reachable over TCP and its connect time, in --prefer-ip order\n" +
        "                 (--dc-address, --prefer-ip); with an ad tag, the middle-proxy secret and lists are\n" +
        "                 fetched and every middle proxy dialed instead (--middle-proxy-*-url)\n" +
        "  cloak          tls: the cloak host over TLS 1.3 with the secret's hostname as SNI: protocol, cipher,\n" +
        "                 certificate (--cloak-host, --cloak-port)\n" +
        "  sni address    tls: whether the secret's hostname resolves to this server's public address\n" +
        "                 (-4/-6, else asked of --public-ip-url)\n" +
        "  open files     the open-file limit and the connections it allows (--max-connections, --workers)\n" +
        "\n" +
        "Every network step is bounded by --dial-timeout (default " + Durations.format(DEFAULT_DIAL_TIMEOUT_MS) +
        " here) and the checks run at once,\n" +
        "so doctor ends within a few timeouts. It dials directly, even when --socks5 is given.\n" +
        "\n" +
        "Flags:\n" +
        "  -h, --help     show this help and exit\n";

    private static final String SUMMARY_PREFIX = "doctor: ";

    private DoctorCommand()
    {
    }

    /**
     * @param args arguments after {@code doctor}.
     * @param env  environment variables.
     * @param out  where the findings (or the help) go.
     * @param err  where an error line goes.
     * @return 0 when nothing failed, 1 when a check failed, 2 for bad input.
     */
    static int execute(final String[] args, final Map<String, String> env, final PrintStream out, final PrintStream err)
    {
        try
        {
            final CommandLine commandLine = RunCommand.parse(args);
            if (commandLine.hasOption(RunFlag.HELP.longName()))
            {
                out.print(USAGE);
                return Main.STATUS_OK;
            }
            final long dialTimeoutMs = dialTimeoutMs(new FlagValues(commandLine, env));
            final List<Check> checks = checks(commandLine, env, (int)dialTimeoutMs);
            final List<Finding> findings = Doctor.run(checks, budgetMs(dialTimeoutMs));
            print(out, findings);
            return Doctor.hasFailure(findings) ? Main.STATUS_FAILURE : Main.STATUS_OK;
        }
        catch (final CommandLineError ex)
        {
            err.println("mtg: " + ex.getMessage());
            return ex.status();
        }
    }

    /**
     * @param dialTimeoutMs each network step's time.
     * @return the most the whole run may take: a check's slowest path is a fetch, then a connect, then slack.
     */
    static long budgetMs(final long dialTimeoutMs)
    {
        return 4 * dialTimeoutMs + 2_000;
    }

    private static long dialTimeoutMs(final FlagValues flags) throws CommandLineError
    {
        final FlagValues.Value value = flags.value(RunFlag.DIAL_TIMEOUT);
        if (null == value)
        {
            return DEFAULT_DIAL_TIMEOUT_MS;
        }
        final long ms = FlagValues.parse(value, Durations::parseMs);
        if (ms < 1 || ms > Integer.MAX_VALUE / 8)
        {
            throw usage(value.origin() + ": bad duration '" + value.text() + "': expected 1ms to 3d");
        }
        return ms;
    }

    private static List<Check> checks(final CommandLine commandLine, final Map<String, String> env,
        final int dialTimeoutMs) throws CommandLineError
    {
        if (commandLine.hasOption(RunFlag.SECRETS.longName()))
        {
            throw usage("doctor checks one secret: give it as <secret> instead of " + RunFlag.SECRETS.flagName());
        }
        final List<String> positional = commandLine.getArgList();
        if (positional.isEmpty())
        {
            throw usage("missing <secret> (usage: mtg doctor [flags] <secret> [adtag]; see mtg doctor --help)");
        }
        if (positional.size() > 2)
        {
            throw usage("unexpected argument '" + positional.get(2) + "' (usage: mtg doctor [flags] <secret> [adtag])");
        }
        final int maxConnections = maxConnections(new FlagValues(commandLine, env));
        final RunCommand.Plan plan = RunCommand.plan(planArgs(commandLine), planEnv(env));
        final ProxyConfig config = plan.config();
        final boolean fakeTls = SecretMode.FAKE_TLS == config.secret().mode();
        final boolean adTag = null != config.adTag();

        final List<Check> checks = new ArrayList<>();
        checks.add(new ClockDiagnosis(config.ntpServers(), config.helloPolicy().clockWindow(), dialTimeoutMs));
        if (adTag)
        {
            checks.add(new MiddleProxyDiagnosis(config.middleProxyUrls(), config.preferIp(), dialTimeoutMs));
        }
        else
        {
            final DcTable table = DcTable.create(config.preferIp(), config.dcAddresses());
            for (final int dc : table.dcs())
            {
                checks.add(new DcReachability(dc, table.addresses(dc), dialTimeoutMs));
            }
        }
        if (fakeTls)
        {
            final String host = config.secret().host();
            checks.add(new CloakTlsCheck(host, config.cloak().host(), config.cloakPort(), dialTimeoutMs));
            final List<InetAddress> given = new ArrayList<>(2);
            if (null != plan.publicIpv4())
            {
                given.add(plan.publicIpv4().address());
            }
            if (null != plan.publicIpv6())
            {
                given.add(plan.publicIpv6().address());
            }
            checks.add(new SniAddressCheck(host, given, plan.publicIpUrl(), dialTimeoutMs));
        }
        checks.add(new OpenFilesCheck(config.capacity().openFileLimit(), maxConnections, config.workers(), adTag,
            fakeTls));
        return checks;
    }

    /**
     * {@code --max-connections} is judged by the open-files check, not refused as {@code mtg run} refuses it.
     *
     * @return the number given, or 0 for the default.
     */
    private static int maxConnections(final FlagValues flags) throws CommandLineError
    {
        final FlagValues.Value value = flags.value(RunFlag.MAX_CONNECTIONS);
        if (null == value)
        {
            return 0;
        }
        try
        {
            final int connections = Integer.parseInt(value.text().trim());
            if (connections >= 1 && connections <= Capacity.MAX_CONNECTIONS)
            {
                return connections;
            }
        }
        catch (final NumberFormatException ex)
        {
            // reported below
        }
        throw usage(value.origin() + ": bad connection count '" + value.text() + "': expected 1.." +
            Capacity.MAX_CONNECTIONS);
    }

    /**
     * @return the command line for {@code mtg run}'s checks, less what doctor reads itself.
     */
    private static String[] planArgs(final CommandLine commandLine)
    {
        final List<String> args = new ArrayList<>();
        for (final Option option : commandLine.getOptions())
        {
            if (RunFlag.MAX_CONNECTIONS.longName().equals(option.getLongOpt()) ||
                RunFlag.STATE_DIR.longName().equals(option.getLongOpt()))
            {
                continue;
            }
            args.add("--" + option.getLongOpt());
            if (option.hasArg())
            {
                args.add(option.getValue());
            }
        }
        args.add("--");
        args.addAll(commandLine.getArgList());
        return args.toArray(new String[0]);
    }

    /**
     * @return the environment for {@code mtg run}'s checks, less what doctor reads itself or ignores: a secrets
     *         file set for the service does not stand in for the secret given here.
     */
    private static Map<String, String> planEnv(final Map<String, String> env)
    {
        final Map<String, String> planned = new HashMap<>(env);
        planned.remove(RunFlag.MAX_CONNECTIONS.envName());
        planned.remove(RunFlag.SECRETS.envName());
        planned.remove(RunFlag.STATE_DIR.envName());
        return planned;
    }

    /**
     * Print one line per finding, {@code VERDICT  check  found => advice}, then the summary line.
     */
    static void print(final PrintStream out, final List<Finding> findings)
    {
        int width = 0;
        for (final Finding finding : findings)
        {
            width = Math.max(width, finding.check().length());
        }
        final Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (final Verdict verdict : Verdict.values())
        {
            counts.put(verdict, 0);
        }
        for (final Finding finding : findings)
        {
            counts.merge(finding.verdict(), 1, Integer::sum);
            final StringBuilder line = new StringBuilder(256)
                .append(pad(finding.verdict().name(), 4)).append("  ")
                .append(pad(finding.check(), width)).append("  ")
                .append(finding.found());
            if (!finding.advice().isEmpty())
            {
                line.append(" => ").append(finding.advice());
            }
            out.println(line);
        }
        final int failed = counts.get(Verdict.FAIL);
        final int warned = counts.get(Verdict.WARN);
        out.println(SUMMARY_PREFIX + counts.get(Verdict.OK) + " OK, " + warned + " WARN, " + failed + " FAIL" +
            (failed > 0 ? ": clients fail until the FAIL lines are fixed" :
            warned > 0 ? ": the proxy works; the WARN lines say what would make it better" : ": all good"));
        out.flush();
    }

    private static String pad(final String text, final int width)
    {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
