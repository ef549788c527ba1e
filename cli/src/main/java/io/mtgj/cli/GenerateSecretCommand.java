package io.mtgj.cli;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;

/**
 * {@code mtg generate-secret simple|secured|tls [-c|--cloak-host HOST]}: prints a new secret as lower-case hex
 * (protocol.md 1.3).
 */
final class GenerateSecretCommand
{
    static final String USAGE =
        "Usage: mtg generate-secret [flags] simple|secured|tls\n" +
        "\n" +
        "Prints a new random secret as hex: simple (32 characters), secured (dd and 32) or tls (ee, 32 and the\n" +
        "hex of the cloak host).\n" +
        "\n" +
        "Flags:\n" +
        "  -c, --cloak-host HOST  hostname a tls secret fronts, sent as SNI by clients [default " +
        Secret.DEFAULT_TLS_HOST + "]\n" +
        "  -h, --help             show this help and exit\n";

    private static final String CLOAK_HOST = "cloak-host";
    private static final String HELP = "help";

    private GenerateSecretCommand()
    {
    }

    /**
     * @param args arguments after {@code generate-secret}.
     * @param out  where the secret goes.
     * @param err  where an error line goes.
     * @return exit status.
     */
    static int execute(final String[] args, final PrintStream out, final PrintStream err)
    {
        return execute(args, out, err, new SecureRandom());
    }

    /**
     * @param args   arguments after {@code generate-secret}.
     * @param out    where the secret goes.
     * @param err    where an error line goes.
     * @param random key source; a {@link SecureRandom} outside tests.
     * @return exit status.
     */
    static int execute(final String[] args, final PrintStream out, final PrintStream err, final Random random)
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
            if (positional.isEmpty())
            {
                throw CommandLineError.usage(
                    "missing secret mode: simple, secured or tls (see mtg generate-secret --help)");
            }
            if (positional.size() > 1)
            {
                throw CommandLineError.usage("unexpected argument '" + positional.get(1) + "' (expected one mode)");
            }
            final String[] hosts = commandLine.getOptionValues(CLOAK_HOST);
            if (null != hosts && hosts.length > 1)
            {
                throw CommandLineError.usage("--cloak-host given more than once");
            }
            final String host = null == hosts ? Secret.DEFAULT_TLS_HOST : hosts[0];
            out.println(generate(positional.get(0), host, random).toHex());
            return Main.STATUS_OK;
        }
        catch (final CommandLineError ex)
        {
            err.println("mtg: " + ex.getMessage());
            return ex.status();
        }
    }

    private static Secret generate(final String modeName, final String host, final Random random)
        throws CommandLineError
    {
        try
        {
            return Secret.generate(SecretMode.fromCliName(modeName), host, random);
        }
        catch (final IllegalArgumentException ex)
        {
            throw CommandLineError.usage(ex.getMessage());
        }
    }

    private static CommandLine parse(final String[] args) throws CommandLineError
    {
        final Options options = new Options();
        options.addOption(Option.builder("c").longOpt(CLOAK_HOST).hasArg().argName("HOST").get());
        options.addOption(Option.builder("h").longOpt(HELP).get());
        try
        {
            return DefaultParser.builder().setAllowPartialMatching(false).get().parse(options, args, false);
        }
        catch (final ParseException ex)
        {
            throw CommandLineError.usage(ex.getMessage());
        }
    }
}
