package io.mtgj.perf;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The users of {@code mtg-perf users-bench}, made from a fixed seed, and the secrets file {@code mtg run --secrets
 * FILE} reads: one user a line, {@code name secret}, {@code #} starting a comment. Users are made one after the other
 * from one seeded stream, so the first 100 of 10,000 users are the 100 users of a smaller file: sizes differ only in
 * how many users there are.
 * <p>
 * The FakeTLS hosts are loopback IP literals, not names: with {@code --secrets} the proxy resolves every host of the
 * file when it starts (it fronts a stranger to the host the stranger's SNI names), and a literal keeps that off DNS
 * and any dial on loopback. To the SNI index a host is just a string, and the classic hello is padded to one size
 * whatever its SNI, so the handshake costs the same as with a real name.
 */
final class UserSecrets
{
    /** Host of every user of {@link Variant#ONE_HOST}: operators usually cloak every user behind one host. */
    static final String ONE_HOST = "127.0.0.1";

    /**
     * The kinds of user lists measured.
     */
    enum Variant
    {
        /** FakeTLS users all on one host: the SNI index narrows nothing, the worst and the usual case. */
        ONE_HOST("one-host", "FakeTLS users, all on " + UserSecrets.ONE_HOST),
        /** FakeTLS users each on a host of its own: the SNI alone names the user. */
        OWN_HOST("own-host", "FakeTLS users, each on its own host (the address it connects from)"),
        /** Secured ({@code dd}) users: no SNI, only the obfuscated2 frame tells users apart. */
        SECURED("secured", "secured (dd) users");

        private final String cliName;
        private final String description;

        Variant(final String cliName, final String description)
        {
            this.cliName = cliName;
            this.description = description;
        }

        /**
         * @return the name on the command line and in the table.
         */
        String cliName()
        {
            return cliName;
        }

        /**
         * @return what its users are, for the table's header.
         */
        String description()
        {
            return description;
        }

        /**
         * @param name {@code one-host}, {@code own-host} or {@code secured}, any case.
         * @return the variant.
         * @throws IllegalArgumentException naming the value.
         */
        static Variant fromCliName(final String name)
        {
            for (final Variant variant : values())
            {
                if (variant.cliName.equals(name.trim().toLowerCase(Locale.ROOT)))
                {
                    return variant;
                }
            }
            throw new IllegalArgumentException("bad --variants '" + name + "' (one-host, own-host or secured)");
        }
    }

    /**
     * One line of the file.
     *
     * @param name   the user's name.
     * @param secret its secret.
     */
    record User(String name, Secret secret)
    {
    }

    private UserSecrets()
    {
    }

    /**
     * @param variant what kind of users.
     * @param count   how many, at least 1.
     * @param seed    the key stream's seed.
     * @return the users, in file order; user {@code i} is the same for every {@code count} above {@code i}.
     */
    static List<User> generate(final Variant variant, final int count, final long seed)
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("at least one user, not " + count);
        }
        final Random random = new Random(seed);
        final SecretMode mode = Variant.SECURED == variant ? SecretMode.SECURED : SecretMode.FAKE_TLS;
        final List<User> users = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            users.add(new User(name(i), Secret.generate(mode, host(variant, i), random)));
        }
        return users;
    }

    /**
     * @param index the user's position, from 0.
     * @return its name: {@code u00042}.
     */
    static String name(final int index)
    {
        return String.format(Locale.ROOT, "u%05d", index);
    }

    /**
     * @param variant the kind of users.
     * @param index   the user's position, from 0 to {@link SourceAddresses#MAX_USERS} - 1.
     * @return the user's FakeTLS host, null for secured users: {@link #ONE_HOST}, or for {@link Variant#OWN_HOST}
     *         the dotted form of the user's own source address ({@link SourceAddresses#text}).
     */
    static String host(final Variant variant, final int index)
    {
        switch (variant)
        {
            case ONE_HOST:
                return ONE_HOST;
            case OWN_HOST:
                return SourceAddresses.text(index);
            default:
                return null;
        }
    }

    /**
     * @param variant what kind of users, for the header comment.
     * @param users   the users.
     * @param seed    their seed, for the header comment.
     * @return the file's text: a comment, then {@code name secret} lines, the secret in hex.
     */
    static String fileText(final Variant variant, final List<User> users, final long seed)
    {
        final StringBuilder text = new StringBuilder(users.size() * 64 + 128);
        text.append("# mtg-perf users-bench: ").append(users.size()).append(' ').append(variant.description())
            .append(", seed ").append(seed).append('\n');
        for (final User user : users)
        {
            text.append(user.name()).append(' ').append(user.secret().toHex()).append('\n');
        }
        return text.toString();
    }

    /**
     * Write {@link #fileText} to a file, replacing it.
     *
     * @return the file.
     */
    static Path write(final Path file, final Variant variant, final List<User> users, final long seed)
        throws IOException
    {
        Files.writeString(file, fileText(variant, users, seed), StandardCharsets.US_ASCII);
        return file;
    }
}
