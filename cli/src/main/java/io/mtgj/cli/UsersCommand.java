package io.mtgj.cli;

import io.mtgj.config.ByteSize;
import io.mtgj.config.HostPort;
import io.mtgj.publicip.IpLiteral;
import io.mtgj.users.QuotaPeriod;
import io.mtgj.users.Usage;
import io.mtgj.users.UsageStore;
import io.mtgj.users.UserSpec;
import io.mtgj.users.UsersFile;
import io.mtgj.users.UsersFileException;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.mtgj.cli.CommandLineError.usage;

/**
 * {@code mtg users --secrets FILE [--state-dir DIR] [--server HOST[:PORT]]}: lists the users of a secrets file with
 * their limits, their usage as the proxy last saved it, and their links. Reads files only; never touches the network.
 */
final class UsersCommand
{
    /** Environment variable for {@code --secrets}. */
    static final String SECRETS_ENV = "MTG_SECRETS";
    /** Environment variable for {@code --state-dir}. */
    static final String STATE_DIR_ENV = "MTG_STATE_DIR";

    /** What {@code mtg users --help} prints. */
    static final String USAGE =
        "Usage: mtg users --secrets FILE [--state-dir DIR] [--server HOST[:PORT]]\n" +
        "\n" +
        "Lists the users of a secrets file: mode, open connections and traffic in the current quota period (as the\n" +
        "proxy last saved them in the state directory), quota, expiry and tg:// link.\n" +
        "\n" +
        "Flags:\n" +
        "  --secrets FILE        the secrets file, one user a line: name secret [options]\n" +
        "                        env " + SECRETS_ENV + "\n" +
        "  --state-dir DIR       directory where the proxy saves the users' usage; without it usage shows as 0\n" +
        "                        env " + STATE_DIR_ENV + "\n" +
        "  --server HOST[:PORT]  the proxy's public address for the links; the port defaults to 443\n" +
        "  -h, --help            show this help and exit\n";

    /** Stands for the public address in links when {@code --server} is not given. */
    static final String SERVER_PLACEHOLDER = "SERVER";

    private static final String SECRETS = "secrets";
    private static final String STATE_DIR = "state-dir";
    private static final String SERVER = "server";
    private static final String HELP = "help";
    private static final int DEFAULT_PORT = 443;
    private static final String PLACEHOLDER_LINK =
        "tg://proxy?server=" + SERVER_PLACEHOLDER + "&port=" + DEFAULT_PORT + "&secret=";
    private static final String NONE = "-";
    private static final String[] HEADER = {"NAME", "MODE", "CONNECTIONS", "USED", "QUOTA", "EXPIRES", "LINK"};
    private static final String COLUMN_GAP = "  ";

    private UsersCommand()
    {
    }

    /**
     * @param args arguments after {@code users}.
     * @param env  environment variables.
     * @param out  where the table (or the help) goes.
     * @param err  where an error line goes.
     * @return exit status.
     */
    static int execute(final String[] args, final Map<String, String> env, final PrintStream out, final PrintStream err)
    {
        return execute(args, env, out, err, System.currentTimeMillis());
    }

    /**
     * @param args  arguments after {@code users}.
     * @param env   environment variables.
     * @param out   where the table (or the help) goes.
     * @param err   where an error line goes.
     * @param nowMs the time that decides the quota period and expiry, epoch milliseconds.
     * @return exit status.
     */
    static int execute(
        final String[] args,
        final Map<String, String> env,
        final PrintStream out,
        final PrintStream err,
        final long nowMs)
    {
        try
        {
            final CommandLine commandLine = parse(args);
            if (commandLine.hasOption(HELP))
            {
                out.print(USAGE);
                return Main.STATUS_OK;
            }
            if (!commandLine.getArgList().isEmpty())
            {
                throw usage("unexpected argument '" + commandLine.getArgList().get(0) +
                    "' (usage: mtg users --secrets FILE [--state-dir DIR] [--server HOST[:PORT]])");
            }
            final String secrets = value(commandLine, SECRETS, env, SECRETS_ENV);
            if (null == secrets)
            {
                throw usage("missing --secrets FILE (or " + SECRETS_ENV + "); see mtg users --help");
            }
            final String stateDir = value(commandLine, STATE_DIR, env, STATE_DIR_ENV);
            final String serverText = value(commandLine, SERVER, env, null);
            final Server server = null == serverText ? null : parseServer(serverText);

            final List<UserSpec> users = readUsers(path(secrets, "--secrets"));
            final Map<String, Usage> usage = null == stateDir ? Map.of() : readUsage(path(stateDir, "--state-dir"));
            printTable(out, users, usage, server, nowMs);
            if (null == server)
            {
                out.println();
                out.println(SERVER_PLACEHOLDER + " in the links stands for this proxy's public address: pass " +
                    "--server HOST[:PORT] to fill it in.");
            }
            return Main.STATUS_OK;
        }
        catch (final CommandLineError ex)
        {
            err.println("mtg: " + ex.getMessage());
            return ex.status();
        }
    }

    private static List<UserSpec> readUsers(final Path file) throws CommandLineError
    {
        try
        {
            return UsersFile.read(file);
        }
        catch (final UsersFileException ex)
        {
            throw usage(ex.getMessage());
        }
    }

    private static Map<String, Usage> readUsage(final Path stateDir) throws CommandLineError
    {
        try
        {
            return new UsageStore(stateDir).load();
        }
        catch (final UncheckedIOException ex)
        {
            throw usage(ex.getMessage());
        }
    }

    private static void printTable(
        final PrintStream out,
        final List<UserSpec> users,
        final Map<String, Usage> usage,
        final Server server,
        final long nowMs)
    {
        final List<String[]> rows = new ArrayList<>(users.size() + 1);
        rows.add(HEADER);
        for (final UserSpec user : users)
        {
            final Usage saved = usage.get(user.name());
            // the proxy counts a user without a quota by calendar month (io.mtgj.users.Account), so the table does
            final QuotaPeriod period = null == user.quota() ? QuotaPeriod.MONTH : user.quota().period();
            final long periodStartMs = period.periodStartMs(nowMs);
            // bytes saved in an earlier period no longer count: the proxy starts the new period from zero
            final long bytes = null != saved && saved.periodStartMs() == periodStartMs ? saved.bytes() : 0;
            final String hex = user.secret().toHex();
            rows.add(new String[]
            {
                user.name(),
                user.secret().mode().cliName(),
                Integer.toString(null == saved ? 0 : saved.connections()),
                humanBytes(bytes),
                null == user.quota() ? NONE : user.quota().text(),
                null == user.expires() ? NONE : user.expires() + (user.isExpired(nowMs) ? " (expired)" : ""),
                null == server ? PLACEHOLDER_LINK + hex : server.link(hex),
            });
        }

        final int[] widths = new int[HEADER.length];
        for (final String[] row : rows)
        {
            for (int i = 0; i < row.length; i++)
            {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (final String[] row : rows)
        {
            final StringBuilder line = new StringBuilder(256);
            for (int i = 0; i < row.length; i++)
            {
                line.append(row[i]);
                if (i < row.length - 1)
                {
                    line.append(" ".repeat(widths[i] - row[i].length())).append(COLUMN_GAP);
                }
            }
            out.println(line);
        }
    }

    /**
     * @param bytes a byte count.
     * @return the count for people: exact when it is a whole number of its largest unit ({@code 0B}, {@code 50GB}),
     *         else that unit to one decimal ({@code 1.5MB}).
     */
    static String humanBytes(final long bytes)
    {
        final long[] units = {1L << 30, 1L << 20, 1L << 10};
        final String[] names = {"GB", "MB", "KB"};
        for (int i = 0; i < units.length; i++)
        {
            if (bytes >= units[i])
            {
                return 0 == bytes % units[i] ? ByteSize.format(bytes) :
                    String.format(Locale.ROOT, "%.1f%s", (double)bytes / units[i], names[i]);
            }
        }
        return ByteSize.format(bytes);
    }

    private static Server parseServer(final String text) throws CommandLineError
    {
        final HostPort hostPort;
        try
        {
            hostPort = HostPort.parse(text, true);
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage("--server: " + ex.getMessage() + " (expected HOST or HOST:PORT)");
        }
        final int port = hostPort.hasPort() ? hostPort.port() : DEFAULT_PORT;
        if (0 == port)
        {
            throw usage("--server: bad port 0 in '" + text + "' (expected 1 to 65535)");
        }
        final String host = hostPort.host();
        final InetAddress ipv4 = IpLiteral.parse(host, false);
        final InetAddress address = null != ipv4 ? ipv4 : IpLiteral.parse(host, true);
        if (null == address && !isHostName(host))
        {
            throw usage("--server: bad host '" + host + "' (expected an IP address or a DNS name)");
        }
        return new Server(address, host, port);
    }

    private static boolean isHostName(final String host)
    {
        for (int i = 0; i < host.length(); i++)
        {
            final char c = host.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.';
            if (!ok)
            {
                return false;
            }
        }
        return !host.isEmpty();
    }

    private static Path path(final String text, final String flag) throws CommandLineError
    {
        try
        {
            return UserPaths.of(text);
        }
        catch (final InvalidPathException ex)
        {
            throw usage(flag + ": bad path '" + text + "'");
        }
    }

    /**
     * @return the flag's value if given, else the variable's if set and not blank, else null.
     */
    private static String value(
        final CommandLine commandLine,
        final String longName,
        final Map<String, String> env,
        final String envName) throws CommandLineError
    {
        final String[] given = commandLine.getOptionValues(longName);
        if (null != given)
        {
            if (given.length > 1)
            {
                throw usage("--" + longName + " given more than once ('" + given[0] + "', '" + given[1] + "')");
            }
            return given[0];
        }
        final String text = null == envName ? null : env.get(envName);
        return null == text || text.isBlank() ? null : text;
    }

    private static CommandLine parse(final String[] args) throws CommandLineError
    {
        final Options options = new Options();
        options.addOption(Option.builder().longOpt(SECRETS).hasArg().argName("FILE").get());
        options.addOption(Option.builder().longOpt(STATE_DIR).hasArg().argName("DIR").get());
        options.addOption(Option.builder().longOpt(SERVER).hasArg().argName("HOST[:PORT]").get());
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

    /**
     * The public address links carry.
     *
     * @param address the IP address when the host is a literal, else null.
     * @param host    the host as given: a DNS name when {@code address} is null.
     * @param port    the port clients connect to.
     */
    private record Server(InetAddress address, String host, int port)
    {
        /**
         * @param hex the secret as lower-case hex.
         * @return the {@code tg://} link to this server with that secret.
         */
        String link(final String hex)
        {
            // a DNS name goes into the link as written: resolving it would pin clients to today's address
            return null == address ? "tg://proxy?server=" + host + "&port=" + port + "&secret=" + hex :
                LinkPrinter.links(List.of(new InetSocketAddress(address, port)), hex).get(0);
        }
    }
}
