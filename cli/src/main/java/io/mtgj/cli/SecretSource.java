package io.mtgj.cli;

import io.mtgj.config.ProxyConfig;
import io.mtgj.config.UsersSettings;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.users.UserSpec;
import io.mtgj.users.UsersFile;
import io.mtgj.users.UsersFileException;

import java.nio.file.Path;
import java.util.List;

import static io.mtgj.cli.CommandLineError.usage;

/**
 * What {@code mtg run} serves: the positional {@code <secret>}, or the named users of {@code --secrets FILE}; then
 * the optional ad tag. One or the other, never both.
 */
final class SecretSource
{
    private static final int AD_TAG_HEX_LENGTH = 32;

    private SecretSource()
    {
    }

    /**
     * @param positional  the arguments after the flags.
     * @param secretsFile {@code --secrets}, or null.
     * @param stateDir    {@code --state-dir}, or null.
     * @return a configuration builder for the secret or the users, with the ad tag if one was given.
     * @throws CommandLineError naming what is missing, extra or wrong; for the secrets file, its file and line.
     */
    static ProxyConfig.Builder builder(final List<String> positional, final FlagValues.Value secretsFile,
        final FlagValues.Value stateDir) throws CommandLineError
    {
        final ProxyConfig.Builder builder;
        final int secretArguments;
        if (null == secretsFile)
        {
            if (positional.isEmpty())
            {
                throw usage("missing <secret> or --secrets FILE (usage: mtg run [flags] <secret> [adtag]; " +
                    "see mtg run --help)");
            }
            builder = ProxyConfig.builder(parseSecret(positional.get(0)));
            secretArguments = 1;
        }
        else
        {
            builder = usersBuilder(UserPaths.of(secretsFile.text()));
            secretArguments = 0;
        }
        if (null != stateDir)
        {
            builder.stateDir(UserPaths.of(stateDir.text()));
        }
        final int extra = positional.size() - secretArguments;
        if (extra > 1)
        {
            throw usage("unexpected argument '" + positional.get(secretArguments + 1) + "' (usage: mtg run [flags] " +
                (null == secretsFile ? "<secret>" : "--secrets FILE") + " [adtag])");
        }
        if (1 == extra)
        {
            builder.adTag(parseAdTag(positional.get(secretArguments)));
        }
        return builder;
    }

    /**
     * Read the secrets file now, so that a bad line stops the command before anything starts; the proxy reads it
     * again as it starts, and on every change.
     */
    private static ProxyConfig.Builder usersBuilder(final Path file) throws CommandLineError
    {
        final List<UserSpec> users;
        try
        {
            users = UsersFile.read(file);
        }
        catch (final UsersFileException ex)
        {
            throw usage(ex.getMessage());
        }
        // The first FakeTLS secret, if any, sets the defaults a tls secret implies: the cloak host, the clock check.
        Secret primary = users.get(0).secret();
        for (final UserSpec user : users)
        {
            if (SecretMode.FAKE_TLS == user.secret().mode())
            {
                primary = user.secret();
                break;
            }
        }
        return ProxyConfig.builder(primary).users(new UsersSettings(file));
    }

    private static Secret parseSecret(final String text) throws CommandLineError
    {
        try
        {
            return Secret.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(ex.getMessage());
        }
    }

    private static byte[] parseAdTag(final String text) throws CommandLineError
    {
        if (text.length() != AD_TAG_HEX_LENGTH)
        {
            throw usage("bad ad tag '" + text + "': expected " + AD_TAG_HEX_LENGTH + " hex characters, got " +
                text.length());
        }
        try
        {
            return Hex.decode(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage("bad ad tag '" + text + "': not hex");
        }
    }
}
