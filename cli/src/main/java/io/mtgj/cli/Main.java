package io.mtgj.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The {@code mtg} command: {@code run}, {@code generate-secret}, {@code users}, {@code doctor}, {@code probe},
 * {@code --help}, {@code --version}. The only place that exits the JVM.
 */
public final class Main
{
    /** Exit status of success. */
    static final int STATUS_OK = 0;
    /** Exit status of a failure at run time, e.g. the port is taken. */
    static final int STATUS_FAILURE = 1;
    /** Exit status of bad input. */
    static final int STATUS_USAGE = 2;

    static final String USAGE =
        "Usage: mtg <command> [flags] [arguments]\n" +
        "\n" +
        "An MTProto proxy for Telegram.\n" +
        "\n" +
        "Commands:\n" +
        "  run              run the proxy: mtg run [flags] <secret> [adtag]\n" +
        "  generate-secret  print a new secret: mtg generate-secret [-c HOST] simple|secured|tls\n" +
        "  users            list the users of a secrets file: mtg users --secrets FILE [--state-dir DIR]\n" +
        "  doctor           check this server for a proxy, one line per check: mtg doctor [flags] <secret> [adtag]\n" +
        "  probe            audit a proxy as a censor would: mtg probe HOST:PORT [--secret S] [--cloak HOST[:PORT]]\n" +
        "\n" +
        "Flags:\n" +
        "  -h, --help       show this help and exit\n" +
        "  --version        show the version and exit\n" +
        "\n" +
        "'mtg <command> --help' shows the flags of a command.\n";

    private Main()
    {
    }

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Run a command; {@code run} blocks until a signal stops the proxy.
     *
     * @param args command line.
     * @param env  environment variables.
     * @param out  standard output.
     * @param err  standard error.
     * @return exit status.
     */
    static int run(final String[] args, final Map<String, String> env, final PrintStream out, final PrintStream err)
    {
        final StopSignals signals = new StopSignals();
        if (args.length > 0 && "run".equals(args[0]))
        {
            signals.install();
        }
        return run(args, env, out, err, signals::attach);
    }

    /**
     * Run a command, telling {@code onStarted} about a started proxy; {@code run} blocks until it is closed.
     *
     * @param args      command line.
     * @param env       environment variables.
     * @param out       standard output.
     * @param err       standard error.
     * @param onStarted called with the running proxy before {@code run} blocks.
     * @return exit status.
     */
    static int run(
        final String[] args,
        final Map<String, String> env,
        final PrintStream out,
        final PrintStream err,
        final Consumer<RunCommand.Running> onStarted)
    {
        if (0 == args.length)
        {
            err.print(USAGE);
            return STATUS_USAGE;
        }
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0])
        {
            case "-h":
            case "--help":
                out.print(USAGE);
                return STATUS_OK;
            case "--version":
                out.println("mtg " + version());
                return STATUS_OK;
            case "run":
                return RunCommand.execute(rest, env, out, err, onStarted);
            case "generate-secret":
                return GenerateSecretCommand.execute(rest, out, err);
            case "users":
                return UsersCommand.execute(rest, env, out, err);
            case "doctor":
                return DoctorCommand.execute(rest, env, out, err);
            case "probe":
                return ProbeCommand.execute(rest, out, err);
            default:
                err.println("mtg: unknown command '" + args[0] + "'");
                err.print(USAGE);
                return STATUS_USAGE;
        }
    }

    /**
     * @return the version Maven wrote into {@code version.properties}, or {@code unknown}.
     */
    static String version()
    {
        try (InputStream in = Main.class.getResourceAsStream("version.properties"))
        {
            if (null == in)
            {
                return "unknown";
            }
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }
}
