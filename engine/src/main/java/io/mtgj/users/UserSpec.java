package io.mtgj.users;

import io.mtgj.secret.Secret;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One user of the secrets file: a name, its own secret and its limits.
 *
 * @param name           unique name, see {@link #isValidName(String)}.
 * @param secret         the user's secret; its key is unique in the file.
 * @param maxConnections most connections open at once, 0 for unlimited.
 * @param quota          traffic quota, or null for none.
 * @param expires        last day (UTC) the user may connect, or null for never.
 * @param line           line of the secrets file the user was read from, 0 when not from a file.
 */
public record UserSpec(String name, Secret secret, int maxConnections, Quota quota, LocalDate expires, int line)
{
    /** Longest user name: names show up in logs, metrics labels and the usage file. */
    public static final int MAX_NAME_LENGTH = 64;

    private static final long DAY_MS = 86_400_000L;

    /**
     * @param name           unique name, see {@link #isValidName(String)}.
     * @param secret         the user's secret.
     * @param maxConnections most connections open at once, 0 for unlimited.
     * @param quota          traffic quota, or null for none.
     * @param expires        last day (UTC) the user may connect, or null for never.
     * @param line           line of the secrets file, 0 when not from a file.
     * @throws IllegalArgumentException when the name is not allowed or a number is negative.
     */
    public UserSpec
    {
        Objects.requireNonNull(secret, "secret");
        if (!isValidName(name))
        {
            throw new IllegalArgumentException("bad user name '" + name + "'");
        }
        if (maxConnections < 0)
        {
            throw new IllegalArgumentException("max-connections cannot be negative");
        }
        if (line < 0)
        {
            throw new IllegalArgumentException("line cannot be negative");
        }
    }

    /**
     * @param name a candidate user name.
     * @return whether it has 1 to {@link #MAX_NAME_LENGTH} characters, each a letter, digit, '_', '.' or '-' (ASCII),
     *         so it is safe in logs, metrics labels and tab-separated files.
     */
    public static boolean isValidName(final String name)
    {
        if (null == name || name.isEmpty() || name.length() > MAX_NAME_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == '-';
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return when the user expires in epoch milliseconds: the end of the {@link #expires()} day in UTC (00:00 UTC of
     *         the next day), or {@link Long#MAX_VALUE} when the user never expires.
     */
    public long expiresAtMs()
    {
        return null == expires ? Long.MAX_VALUE : (expires.toEpochDay() + 1) * DAY_MS;
    }

    /**
     * @param nowMs the time in epoch milliseconds.
     * @return whether the user has expired at {@code nowMs}.
     */
    public boolean isExpired(final long nowMs)
    {
        return nowMs >= expiresAtMs();
    }

    /**
     * @return the options as written in the secrets file, e.g. {@code max-connections=20 quota=50GB/month
     *         expires=2027-06-30}; empty when the user has none.
     */
    public String optionsText()
    {
        final StringBuilder text = new StringBuilder();
        if (maxConnections > 0)
        {
            text.append(UsersFile.MAX_CONNECTIONS).append('=').append(maxConnections);
        }
        if (null != quota)
        {
            text.append(text.length() > 0 ? " " : "").append(UsersFile.QUOTA).append('=').append(quota.text());
        }
        if (null != expires)
        {
            text.append(text.length() > 0 ? " " : "").append(UsersFile.EXPIRES).append('=').append(expires);
        }
        return text.toString();
    }
}
