package io.mtgj.users;

import io.mtgj.config.FileErrors;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the secrets file: one user a line, {@code name secret [key=value...]}, fields split by spaces or tabs,
 * {@code #} starting a comment to the end of the line. Every problem is reported with its file and line.
 */
public final class UsersFile
{
    /** Option: most connections a user may have open at once. */
    static final String MAX_CONNECTIONS = "max-connections";
    /** Option: traffic quota, {@code SIZE[/day|/month]}. */
    static final String QUOTA = "quota";
    /** Option: last day (UTC) the user may connect, {@code YYYY-MM-DD}. */
    static final String EXPIRES = "expires";

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("\\d{1,9}");
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private UsersFile()
    {
    }

    /**
     * @param file the secrets file.
     * @return its users in the order of the file.
     * @throws UsersFileException when the file cannot be read or any line is wrong.
     */
    public static List<UserSpec> read(final Path file)
    {
        final String name = file.toString();
        if (Files.isDirectory(file))
        {
            throw new UsersFileException(name, 0, "cannot read secrets file " + name + ": is a directory");
        }
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UsersFileException(name, 0, "cannot read secrets file " + name + ": " + FileErrors.reason(ex));
        }
        return parse(text, name);
    }

    /**
     * @param text     the contents of a secrets file.
     * @param fileName the file's name for messages.
     * @return its users in the order of the text.
     * @throws UsersFileException when any line is wrong or there are no users.
     */
    public static List<UserSpec> parse(final String text, final String fileName)
    {
        final String body = !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
        final List<UserSpec> users = new ArrayList<>();
        final Map<String, UserSpec> byName = new HashMap<>();
        final Map<String, UserSpec> byKey = new HashMap<>();
        int lineNumber = 0;
        for (final String rawLine : (Iterable<String>)body.lines()::iterator)
        {
            lineNumber++;
            final int hash = rawLine.indexOf('#');
            final String line = (hash < 0 ? rawLine : rawLine.substring(0, hash)).strip();
            if (line.isEmpty())
            {
                continue;
            }
            final UserSpec user = parseLine(WHITESPACE.split(line), fileName, lineNumber);
            final UserSpec sameName = byName.putIfAbsent(user.name(), user);
            if (null != sameName)
            {
                throw new UsersFileException(fileName, lineNumber, "user '" + user.name() +
                    "' is already defined on line " + sameName.line() + "; each user needs a name of their own");
            }
            // one key, one user: the handshake finds its user by key alone, whatever the mode or host
            final UserSpec sameKey = byKey.putIfAbsent(Hex.encode(user.secret().key()), user);
            if (null != sameKey)
            {
                throw new UsersFileException(fileName, lineNumber, "user '" + user.name() + "' has the same key as " +
                    sameKey.name() + " on line " + sameKey.line() + "; each user needs their own key");
            }
            users.add(user);
        }
        if (users.isEmpty())
        {
            throw new UsersFileException(fileName, Math.max(1, lineNumber),
                "no users; expected one user a line: name secret [max-connections=N] [quota=SIZE[/day|/month]] " +
                "[expires=YYYY-MM-DD]");
        }
        return users;
    }

    private static UserSpec parseLine(final String[] fields, final String fileName, final int lineNumber)
    {
        final String name = fields[0];
        if (1 == fields.length && isSecret(name))
        {
            throw new UsersFileException(fileName, lineNumber,
                "this looks like a secret without a user name; expected: name secret [options]");
        }
        if (name.length() > UserSpec.MAX_NAME_LENGTH)
        {
            throw new UsersFileException(fileName, lineNumber, "user name '" + name + "' is longer than " +
                UserSpec.MAX_NAME_LENGTH + " characters");
        }
        if (!UserSpec.isValidName(name))
        {
            throw new UsersFileException(fileName, lineNumber, "bad user name '" + name +
                "': use only letters, digits, '_', '.' and '-'");
        }
        if (fields.length < 2 || isOption(fields[1]))
        {
            throw new UsersFileException(fileName, lineNumber, "user '" + name +
                "' has no secret; expected: name secret [options]");
        }
        final Secret secret;
        try
        {
            secret = Secret.parse(fields[1]);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new UsersFileException(fileName, lineNumber, "bad secret for user '" + name + "': " +
                ex.getMessage());
        }

        int maxConnections = 0;
        Quota quota = null;
        LocalDate expires = null;
        final List<String> seen = new ArrayList<>();
        for (int i = 2; i < fields.length; i++)
        {
            final String option = fields[i];
            final int equals = option.indexOf('=');
            if (equals <= 0)
            {
                throw new UsersFileException(fileName, lineNumber, "option '" + option + "' of user '" + name +
                    "' is not key=value; expected e.g. max-connections=20, quota=50GB/month or expires=2027-06-30");
            }
            final String key = option.substring(0, equals);
            final String value = option.substring(equals + 1);
            if (!MAX_CONNECTIONS.equals(key) && !QUOTA.equals(key) && !EXPIRES.equals(key))
            {
                throw new UsersFileException(fileName, lineNumber, "unknown option '" + key + "' for user '" + name +
                    "'; expected max-connections, quota or expires");
            }
            if (seen.contains(key))
            {
                throw new UsersFileException(fileName, lineNumber, "option " + key + " given twice for user '" +
                    name + "'");
            }
            seen.add(key);
            if (value.isEmpty())
            {
                throw new UsersFileException(fileName, lineNumber, "option " + key + " of user '" + name +
                    "' has no value after '='");
            }
            try
            {
                switch (key)
                {
                    case MAX_CONNECTIONS:
                        maxConnections = parseMaxConnections(value);
                        break;
                    case QUOTA:
                        quota = Quota.parse(value);
                        break;
                    default:
                        expires = parseDate(value);
                        break;
                }
            }
            catch (final IllegalArgumentException ex)
            {
                throw new UsersFileException(fileName, lineNumber, "user '" + name + "': " + ex.getMessage());
            }
        }
        return new UserSpec(name, secret, maxConnections, quota, expires, lineNumber);
    }

    private static boolean isSecret(final String field)
    {
        try
        {
            Secret.parse(field);
            return true;
        }
        catch (final IllegalArgumentException ex)
        {
            return false;
        }
    }

    /**
     * @return whether a second field is an option rather than a secret: base64 only has '=' as trailing padding.
     */
    private static boolean isOption(final String field)
    {
        int end = field.length();
        while (end > 0 && field.charAt(end - 1) == '=')
        {
            end--;
        }
        return field.lastIndexOf('=', end - 1) > 0;
    }

    private static int parseMaxConnections(final String value)
    {
        final int count = WHOLE_NUMBER.matcher(value).matches() ? Integer.parseInt(value) : 0;
        if (count < 1)
        {
            throw new IllegalArgumentException("bad max-connections '" + value +
                "': expected a whole number of at least 1");
        }
        return count;
    }

    private static LocalDate parseDate(final String value)
    {
        if (DATE.matcher(value).matches())
        {
            try
            {
                return LocalDate.parse(value);
            }
            catch (final DateTimeParseException ignored)
            {
                // a day or month out of range: reported below like any other malformed date
            }
        }
        throw new IllegalArgumentException("bad expires '" + value + "': expected a date as YYYY-MM-DD, e.g. " +
            "2027-06-30 (the user expires at the end of that day, UTC)");
    }

}
